from concurrent.futures import ProcessPoolExecutor

from pkg.base import Base


class Worker(Base):
    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
