import pkg.base


class Worker(pkg.base.Worker):
    def work(self, x):
        return f"LOUD {x}"
