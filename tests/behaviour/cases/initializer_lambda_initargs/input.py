import multiprocessing
from multiprocessing import Pool

STATE = {}


def setup(tag, n):
    STATE["tag"] = f"{tag}{n}"


def work(x):
    return f"{STATE['tag']}:{x}"


def run(xs):
    tag = "w"
    # The lambda closes over `tag`: initargs carries the value instead.
    with Pool(2, initializer=lambda: setup(tag, 1)) as pool:
        return pool.map(work, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(run([1, 2]))
