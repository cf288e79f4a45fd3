from pkg.base import Base as AbstractWorker


class Impl(AbstractWorker):
    def work(self, x):
        return x + 1
