import multiprocessing
from concurrent.futures import ProcessPoolExecutor


class Job:
    """No lock here: the mangled name alone makes `self.__work` fail to unpickle."""

    def __init__(self, n):
        self.n = n

    def __work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.__work, xs))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Job(3).run([1, 2, 3]))
