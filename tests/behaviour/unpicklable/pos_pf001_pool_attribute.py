# PF001 note: the method that hands `self.work` to the pool stored the pool on self first.
import multiprocessing


class Crawler:
    def __init__(self):
        self.seen = 0

    def work(self, x):
        self.seen += 1
        return x

    def run(self, xs):
        self.pool = multiprocessing.Pool(2)
        try:
            return self.pool.map(self.work, xs)
        finally:
            self.pool.terminate()


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Crawler().run([1, 2]))
