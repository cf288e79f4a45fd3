import sys
from concurrent.futures import ProcessPoolExecutor


class Worker:
    def __init__(self, label):
        self.label = label

    def work(self, x):
        me = sys._getframe().f_locals["self"]
        return f"{me.label}{x}"

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
