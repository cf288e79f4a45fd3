from pkg.base import Worker as W


class Special(W):
    def twice(self, x):
        return self.work(self.work(x))
