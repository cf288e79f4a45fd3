from pkg.base import *


class Loud(Worker):
    def work(self, x):
        return f"LOUD {x}"
