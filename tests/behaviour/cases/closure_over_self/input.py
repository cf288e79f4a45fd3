import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Pricer:
    def __init__(self, settings):
        self.settings = settings
        self.lock = threading.Lock()  # makes the instance unpicklable

    def run(self, xs):
        def price(x):
            return x * self.settings["rate"] + bonus

        bonus = 1  # late binding
        with ProcessPoolExecutor(2) as ex:
            a = list(ex.map(price, xs))
            b = list(ex.map(lambda x: x - self.settings["rate"], xs))
        return a, b


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Pricer({"rate": 3}).run([1, 2]))
