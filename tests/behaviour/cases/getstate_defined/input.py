import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Loader:
    def __init__(self):
        self.lock = threading.Lock()
        self.prefix = ">"

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.lock = threading.Lock()

    def load(self, name):
        return name[::-1]

    def run(self, names):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.load, names))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Loader().run(["abc", "xy"]))
