from concurrent.futures import ProcessPoolExecutor


class Worker:
    def __init__(self, k):
        self.k = k

    def work(self, x):
        return eval("self.k * x")

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
