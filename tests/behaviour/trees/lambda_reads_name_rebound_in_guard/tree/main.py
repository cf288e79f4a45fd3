import multiprocessing

FACTOR = 1


def scale_all(xs):
    with multiprocessing.Pool(2) as pool:
        return pool.map(lambda x: x * FACTOR, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    FACTOR = 3
    try:
        print(scale_all([1, 2]))
    except Exception as e:
        print(type(e).__name__)
