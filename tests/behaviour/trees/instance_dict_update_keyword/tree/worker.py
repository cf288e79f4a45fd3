from concurrent.futures import ProcessPoolExecutor


def double(x):
    return x * 2


class Worker:
    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
