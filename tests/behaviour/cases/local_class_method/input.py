import multiprocessing
from multiprocessing import Pool


def run(xs):
    # A class defined inside a function: its instances and methods cannot be pickled.
    class Doubler:
        def double(self, x):
            return x * 2

    with Pool(2) as pool:
        return pool.map(Doubler().double, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(run([1, 2, 3]))
