from concurrent.futures import ProcessPoolExecutor


class Worker:
    def _work(self, x):
        return x * 3

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._work, xs))
