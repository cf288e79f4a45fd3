import multiprocessing


def configure(offset):
    global OFFSET
    OFFSET = offset


def shift_all(xs):
    with multiprocessing.Pool(2) as pool:
        return pool.map(lambda x: x + OFFSET, xs)
