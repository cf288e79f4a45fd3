import multiprocessing
from multiprocessing import Pool


def scale_all(xs):
    k = len(xs) + 1

    def scale(x):
        return x * k

    with Pool(2) as pool:
        return pool.map(scale, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(scale_all([1, 2, 3]))
