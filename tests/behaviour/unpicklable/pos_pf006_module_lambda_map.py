# PF006: module-level lambdas as the items of map's iterable.
import multiprocessing

double = lambda x: 2 * x  # noqa: E731


def call(fn):
    return fn(1)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(call, [double, double]))
