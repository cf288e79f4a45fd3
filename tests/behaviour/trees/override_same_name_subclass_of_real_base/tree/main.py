import multiprocessing

import ext.worker
from pkg.base import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(ext.worker.Worker().run([1, 2]))
