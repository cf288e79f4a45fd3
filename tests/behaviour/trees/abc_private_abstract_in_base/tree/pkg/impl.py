from concurrent.futures import ProcessPoolExecutor

from pkg.base import Base


class Impl(Base):
    def _work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._work, xs))
