from concurrent.futures import ProcessPoolExecutor


class Worker:
    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))


class Other:
    def __init__(self):
        self.k = 100

    def work(self, x):
        return x * self.k


def demo():
    w = Worker()
    a = w.work(2)
    w = Other()
    b = w.work(2)
    return a, b
