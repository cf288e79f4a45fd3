from concurrent.futures import ProcessPoolExecutor

SCALE = 10


class Worker:
    SCALE = 3

    def work(self, x, k=SCALE):
        return x * k

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
