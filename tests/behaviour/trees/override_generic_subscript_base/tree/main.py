import multiprocessing

from pkg.base import Worker
from pkg.impl import Doubler

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Doubler().run([1, 2]))
