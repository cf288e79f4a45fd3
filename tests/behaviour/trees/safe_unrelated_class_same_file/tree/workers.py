from concurrent.futures import ProcessPoolExecutor


class Worker:
    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))


class Counter:
    def __init__(self):
        self.n = 0

    def work(self, x):
        self.n += x
        return self.n

    def feed(self, xs):
        return [self.work(x) for x in xs]
