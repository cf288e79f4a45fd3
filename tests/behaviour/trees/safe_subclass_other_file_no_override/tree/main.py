import multiprocessing

from pkg.base import Worker
from pkg.special import Special

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Special().run([1, 2]), Special().twice(5))
