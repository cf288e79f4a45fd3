# PF006: multiprocessing's Lock is fine for Process, not for a pool task.
import multiprocessing


def work(x, lock):
    with lock:
        return x


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    lock = multiprocessing.Lock()
    with multiprocessing.Pool(2) as pool:
        print(pool.apply(work, (1, lock)))
