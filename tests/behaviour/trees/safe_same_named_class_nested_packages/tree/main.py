import multiprocessing

from pkg.jobs.worker import Worker
from pkg.legacy.loud import Loud

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Loud().work(3))
