# PF005: the lock is assigned in a project base's __init__.
import multiprocessing
import threading


class Guarded:
    def __init__(self):
        self.guard = threading.RLock()


class Job(Guarded, multiprocessing.Process):
    def __init__(self):
        Guarded.__init__(self)
        multiprocessing.Process.__init__(self)

    def run(self):
        print("job")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    j = Job()
    j.start()
    j.join()
