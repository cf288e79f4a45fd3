import multiprocessing

FACTOR = 3


def scale_all(xs):
    with multiprocessing.Pool(2) as pool:
        return pool.map(lambda x: x * FACTOR, xs)
