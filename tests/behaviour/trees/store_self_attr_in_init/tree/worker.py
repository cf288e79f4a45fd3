from concurrent.futures import ProcessPoolExecutor


class Worker:
    def __init__(self, fast=False):
        if fast:
            self.work = self._fast_work

    def work(self, x):
        return x + 1

    def _fast_work(self, x):
        return x * 10

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
