from concurrent.futures import ProcessPoolExecutor

from pkg import config


class Worker:
    def __init__(self, scale):
        self.scale = scale

    def work(self, x):
        return x * config.SCALE

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
