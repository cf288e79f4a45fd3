try:
    import multiprocessing as mp
except ImportError:  # pragma: no cover - exotic interpreters
    import multiprocess as mp


class Worker:
    def work(self, x):
        return x + 1

    def run(self, xs):
        with mp.Pool(2) as pool:
            return pool.map(self.work, xs)
