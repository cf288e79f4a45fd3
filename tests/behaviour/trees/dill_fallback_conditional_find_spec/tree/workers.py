import importlib.util

if importlib.util.find_spec("multiprocess"):
    from multiprocess import Pool
else:
    from multiprocessing import Pool


class Worker:
    def work(self, x):
        return x + 1

    def run(self, xs):
        with Pool(2) as pool:
            return pool.map(self.work, xs)
