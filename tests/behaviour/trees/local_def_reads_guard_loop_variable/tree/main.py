import multiprocessing


def run(xs):
    def bump(x):
        return x + STEP

    with multiprocessing.Pool(2) as pool:
        return pool.map(bump, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    for STEP in (10,):
        try:
            print(run([1, 2]))
        except Exception as e:
            print(type(e).__name__)
