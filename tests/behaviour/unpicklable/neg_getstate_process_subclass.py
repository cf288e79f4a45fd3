# Negative: a Process subclass whose __getstate__ drops its lock.
import multiprocessing
import threading


class Worker(multiprocessing.Process):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("lock")
        return state

    def run(self):
        print("ran")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    w = Worker()
    w.start()
    w.join()
