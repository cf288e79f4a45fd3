from concurrent.futures import ProcessPoolExecutor


class Worker:
    def __init__(self, turbo):
        self.turbo = turbo

    def __getattribute__(self, name):
        if name == "work" and object.__getattribute__(self, "turbo"):
            name = "_turbo"
        return object.__getattribute__(self, name)

    def work(self, x):
        return x + 1

    def _turbo(self, x):
        return x * 1000

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
