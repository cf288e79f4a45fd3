import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor


class Worker:
    """`self.executor` is injected by the caller; its kind is unknown inside this class."""

    def __init__(self, **services):
        vars(self).update(services)
        self.lock = threading.Lock()

    def work(self, x):
        return x + 1

    def run(self, xs):
        return list(self.executor.map(self.work, xs))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    with ThreadPoolExecutor(2) as pool:
        print(Worker(executor=pool).run([1, 2, 3]))
