import multiprocessing
from multiprocessing import Pool


def serve(xs):
    listener = 5

    # The capture is a default argument: lifted, it must not stay a module-level default.
    def server(x, listener=listener):
        return x + listener + offset

    offset = 100  # assigned after the def (late binding)
    with Pool(2) as pool:
        return pool.map(server, xs), server(1, 0)


def factorials(xs):
    def fact(n):
        return 1 if n <= 1 else n * fact(n - 1) * base // base

    base = 3  # late binding
    with Pool(2) as pool:
        return pool.map(fact, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(serve([1, 2]))
    print(factorials([3, 4]))
