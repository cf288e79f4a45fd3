from concurrent.futures import ProcessPoolExecutor


class Worker:
    Num = int

    def work(self, x: Num) -> Num:
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
