from concurrent.futures import ProcessPoolExecutor


class Worker:
    def _square(self, x):
        return x * x

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._square, xs))
