from ns.core.base import Worker as W


class Loud(W):
    def work(self, x):
        return f"LOUD {x}"
