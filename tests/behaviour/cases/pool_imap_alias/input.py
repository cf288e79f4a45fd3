import multiprocessing as mp
import threading


class Worker:
    def __init__(self):
        self.lock = threading.Lock()

    def work(self, n):
        return n * n - 1

    def run(self, numbers):
        with mp.Pool(2) as p:
            return list(p.imap(self.work, numbers))


if __name__ == "__main__":
    mp.set_start_method("spawn")
    print(Worker().run(range(6)))
