from concurrent.futures import ProcessPoolExecutor


class Worker:
    def scale(self, x):
        return x * 3

    def work(self, x):
        scale = 10
        return self.scale(x) + scale

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
