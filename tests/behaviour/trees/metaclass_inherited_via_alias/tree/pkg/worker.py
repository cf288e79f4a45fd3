from concurrent.futures import ProcessPoolExecutor

from pkg.meta import Base as PluginBase


class Worker(PluginBase):
    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
