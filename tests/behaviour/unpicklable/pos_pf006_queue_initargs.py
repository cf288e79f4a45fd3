# PF006: a queue.Queue in a pool's initargs (pickled with each worker under spawn).
import multiprocessing
import queue

STATE = {}


def init(q):
    STATE["q"] = q


def work(x):
    return x


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2, init, (queue.Queue(),)) as pool:
        print(pool.map(work, [1, 2]))
