class Counter:
    def __init__(self):
        self.n = 0

    def work(self, x):
        self.n += x
        return self.n

    def feed(self, xs):
        return [self.work(x) for x in xs]
