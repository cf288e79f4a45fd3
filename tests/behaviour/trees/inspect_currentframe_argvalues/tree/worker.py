import inspect
from concurrent.futures import ProcessPoolExecutor


class Worker:
    def work(self, x):
        info = inspect.getargvalues(inspect.currentframe())
        return (x, info.args)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
