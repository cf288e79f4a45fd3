import multiprocessing
from concurrent.futures import ProcessPoolExecutor


class Outer:
    class Inner:
        """Picklable: the instance holds plain data, the class is found by qualname."""

        def __init__(self, k):
            self.k = k

        def double(self, x):
            return x * 2

        def run(self, xs):
            with ProcessPoolExecutor(2) as ex:
                return list(ex.map(self.double, xs))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Outer.Inner(1).run([1, 2, 3]))
