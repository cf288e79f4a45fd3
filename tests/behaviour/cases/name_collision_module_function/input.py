import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Job:
    def __init__(self):
        self.lock = threading.Lock()

    def work(self, x):
        return x * 3

    def run(self, xs):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.work, xs))


def work(x):
    """A module-level function that already owns the name `work`."""
    return -x


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Job().run([1, 2, 3]), work(5))
