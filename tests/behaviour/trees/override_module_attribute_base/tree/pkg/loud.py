import pkg.base as b


class Loud(b.Worker):
    def work(self, x):
        return f"LOUD {x}"
