import functools
import multiprocessing
import operator
import threading
from concurrent.futures import ProcessPoolExecutor


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.lock = threading.Lock()

    def scale(self, x):
        return x * self.factor

    def run(self, xs):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.scale, xs))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    result = Scaler(3).run([1, 2, 3])
    print(result, functools.reduce(operator.add, result))
