from concurrent.futures import ProcessPoolExecutor


class Worker:
    def work(self, x):
        return x * 2

    def run_one(self, x):
        return self.work(x)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
