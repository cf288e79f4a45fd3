from concurrent.futures import ProcessPoolExecutor

from pkg.compat import Tagged, with_metaclass


class Worker(with_metaclass(Tagged)):
    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
