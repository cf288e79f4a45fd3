import multiprocessing
from concurrent.futures import ProcessPoolExecutor


class Counter:
    def __init__(self, factor):
        self.factor = factor
        self.calls = 0

    def scale(self, x):
        self.calls += 1
        return x * self.factor

    def run(self, xs):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.scale, xs))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    c = Counter(3)
    print(c.run([1, 2, 3]), c.calls)
