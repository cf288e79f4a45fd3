import multiprocessing
import threading
from multiprocessing import Pool


class Tool:
    def __init__(self):
        self.lock = threading.Lock()  # harmless: self.triple is a plain function

    @staticmethod
    def triple(x):
        return 3 * x

    def run(self, xs):
        with Pool(2) as pool:
            return pool.map(self.triple, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Tool().run([1, 2, 3]))
