import multiprocessing

FACTOR = 1


def scale_all(xs):
    with multiprocessing.Pool(2) as pool:
        return pool.map(lambda x: x * FACTOR, xs)
