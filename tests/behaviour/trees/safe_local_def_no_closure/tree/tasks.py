import multiprocessing

STEP = 10


def run(xs):
    def bump(x):
        return x + STEP

    with multiprocessing.Pool(2) as pool:
        return pool.map(bump, xs)
