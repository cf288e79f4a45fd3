try:
    from multiprocess import Pool, set_start_method
except ImportError:
    from multiprocessing import Pool, set_start_method


def start_method_spawn():
    set_start_method("spawn")


class Worker:
    def work(self, x):
        return x + 1

    def run(self, xs):
        with Pool(2) as pool:
            return pool.map(self.work, xs)
