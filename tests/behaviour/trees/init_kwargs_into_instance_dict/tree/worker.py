from concurrent.futures import ProcessPoolExecutor


class Worker:
    def __init__(self, **options):
        self.__dict__.update(options)

    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
