# PF001 note: the instance holds a threading.Lock; `scale` writes self, so it stays a bound method.
import multiprocessing
import threading
from multiprocessing import Pool


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.lock = threading.Lock()
        self.calls = 0

    def scale(self, x):
        self.calls += 1
        return x * self.factor

    def run(self, xs):
        with Pool(2) as pool:
            return pool.map(self.scale, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Scaler(2).run([1, 2, 3]))
