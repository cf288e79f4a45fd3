try:
    from pathos.multiprocessing import ProcessPool as Pool
except ImportError:
    from multiprocessing import Pool


class Worker:
    def work(self, x):
        return x + 1

    def run(self, xs):
        with Pool(2) as pool:
            return pool.map(self.work, xs)
