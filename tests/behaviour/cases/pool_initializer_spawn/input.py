import multiprocessing
import threading

BASE = 0


def add(x):
    return BASE + x


class Setup:
    def __init__(self, base):
        self.base = base
        self.lock = threading.Lock()

    def init(self, base):
        global BASE
        BASE = base

    def run(self, xs):
        with multiprocessing.Pool(2, initializer=self.init, initargs=(self.base,)) as pool:
            return pool.map(add, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Setup(100).run([1, 2, 3]))
