from concurrent.futures import ProcessPoolExecutor


class Worker:
    def work(self, x):
        return x + 1

    def run(self, work):
        # `work`: the batch of work items
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, work))
