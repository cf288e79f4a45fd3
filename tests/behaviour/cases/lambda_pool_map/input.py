import multiprocessing
from multiprocessing import Pool


def run(xs):
    with Pool(2) as pool:
        return pool.map(lambda x: x * x + 1, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(run([1, 2, 3]))
