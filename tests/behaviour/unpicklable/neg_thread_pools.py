# Negative: thread pools never pickle.
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool


def work(lock, x):
    with lock:
        return x


if __name__ == "__main__":
    lock = threading.Lock()
    with ThreadPoolExecutor(2) as ex:
        print(ex.submit(work, lock, 1).result())
    with ThreadPool(2) as pool:
        print(pool.starmap(work, [(lock, 2)]))
