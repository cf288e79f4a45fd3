from concurrent.futures import ProcessPoolExecutor


class Worker:
    """Adds one in worker processes.

    >>> Worker()._work(2)
    3
    """

    def _work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._work, xs))
