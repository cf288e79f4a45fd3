from concurrent.futures import ProcessPoolExecutor


class Worker:
    def work(self, x):
        return f"base {x}"

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
