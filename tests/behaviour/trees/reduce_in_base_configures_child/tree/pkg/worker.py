from concurrent.futures import ProcessPoolExecutor

from pkg import base, config


class Worker(base.Middle):
    def work(self, x):
        return x * config.SCALE

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
