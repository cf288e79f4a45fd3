import functools
import multiprocessing
import threading


class Scaler:
    def __init__(self):
        self.lock = threading.Lock()

    def scale(self, factor, x):
        return factor * x

    def run(self, q, xs):
        with multiprocessing.Pool(2) as pool:
            return pool.map(functools.partial(self.scale, q), xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Scaler().run(7, [1, 2, 3]))
