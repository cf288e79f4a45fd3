# Negative: the instance pickles (it only travels with every task).
import multiprocessing


class Adder:
    def __init__(self, n):
        self.n = n
        self.calls = 0

    def add(self, x):
        self.calls += 1
        return x + self.n

    def run(self, xs):
        with multiprocessing.Pool(2) as pool:
            return pool.map(self.add, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Adder(1).run([1, 2]))
