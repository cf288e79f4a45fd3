import inspect
from concurrent.futures import ProcessPoolExecutor


class Worker:
    def work(self, x):
        return x + 1

    def describe(self):
        return self.work.__qualname__, inspect.ismethod(self.work)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
