import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Squarer:
    def __init__(self):
        self.lock = threading.Lock()

    def square(self, x):
        return x * x

    def run(self, pool: ProcessPoolExecutor, xs):
        return list(pool.map(self.square, xs))


if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=ctx) as executor:
        print(Squarer().run(executor, [4, 5, 6]))
