# Negative: the fork start method pins nothing to pickle for Process.
import multiprocessing
import threading

ctx = multiprocessing.get_context("fork")


class Worker(ctx.Process):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def run(self):
        with self.lock:
            print("worker")


def work(lock):
    with lock:
        print("function")


if __name__ == "__main__":
    w = Worker()
    w.start()
    w.join()
    p = ctx.Process(target=work, args=(threading.Lock(),))
    p.start()
    p.join()
