# Negative: a multiprocessing.Queue in initargs pickles while each worker starts.
import multiprocessing

STATE = {}


def init(q):
    STATE["q"] = q


def work(x):
    STATE["q"].put(x)
    return x


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    q = multiprocessing.Queue()
    with multiprocessing.Pool(2, initializer=init, initargs=(q,)) as pool:
        print(sorted(pool.map(work, [1, 2])))
