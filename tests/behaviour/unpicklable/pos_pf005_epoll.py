# PF005: a Process subclass that makes its poller in __init__ (pyftpdlib's failure).
import multiprocessing
from select import epoll


class Worker(multiprocessing.Process):
    def __init__(self):
        super().__init__()
        self.poller = epoll()

    def run(self):
        print("running")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    w = Worker()
    w.start()
    w.join()
