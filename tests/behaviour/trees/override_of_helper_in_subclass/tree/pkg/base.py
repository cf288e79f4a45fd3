from concurrent.futures import ProcessPoolExecutor


class Worker:
    def _fmt(self, x):
        return f"[{x}]"

    def work(self, x):
        return self._fmt(x) + "!"

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
