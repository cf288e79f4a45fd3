# PF006: a threading.Lock handed to Process(args=...).
import multiprocessing
import threading


def work(lock):
    with lock:
        print("worked")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    lock = threading.Lock()
    p = multiprocessing.Process(target=work, args=(lock,))
    p.start()
    p.join()
