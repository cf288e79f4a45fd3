import multiprocessing


def clip_all(xs):
    with multiprocessing.Pool(2) as pool:
        return pool.map(lambda x: min(x, LIMIT), xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    if (LIMIT := 2) > 0:
        try:
            print(clip_all([1, 5]))
        except Exception as e:
            print(type(e).__name__)
