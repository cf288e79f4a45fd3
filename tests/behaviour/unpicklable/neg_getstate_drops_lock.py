# Negative: __getstate__ drops the lock, __setstate__ makes a new one.
import multiprocessing
import threading


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.total = 0

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.lock = threading.Lock()

    def add(self, x):
        with self.lock:
            self.total += x
        return self.total

    def run(self, xs):
        with multiprocessing.Pool(2) as pool:
            return pool.map(self.add, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Counter().run([1, 2, 3]))
