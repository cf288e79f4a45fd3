import multiprocessing

from pkg.base import Worker
from pkg.fancy import Fancy

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Fancy().run([1, 2]))
