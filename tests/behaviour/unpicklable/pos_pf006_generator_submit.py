# PF006: a generator handed to submit.
import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def total(xs):
    return sum(xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    with ProcessPoolExecutor(2) as ex:
        print(ex.submit(total, (x * x for x in range(4))).result())
