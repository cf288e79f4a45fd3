import multiprocessing

from pkg.base import Worker
from pkg.factory import make_loud

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(make_loud().run([1, 2]))
