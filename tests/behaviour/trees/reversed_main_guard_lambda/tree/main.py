import multiprocessing


def scale_all(xs):
    with multiprocessing.Pool(2) as pool:
        return pool.map(lambda x: x * FACTOR, xs)


if "__main__" == __name__:
    multiprocessing.set_start_method("spawn")
    FACTOR = 3
    try:
        print(scale_all([1, 2]))
    except Exception as e:
        print(type(e).__name__)
