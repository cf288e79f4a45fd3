import multiprocessing

import pkg.persist  # noqa: F401  (registers the reducer)
from pkg.worker import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker(3).run([1, 2]))
