import multiprocessing

from pkg.base import Worker
from pkg.sub import Loud

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Loud().run([1, 2]))
