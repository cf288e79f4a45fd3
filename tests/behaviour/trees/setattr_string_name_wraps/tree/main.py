import multiprocessing

import pkg.plugins  # noqa: F401  (installs the wrappers)
from pkg.worker import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
