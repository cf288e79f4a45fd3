import multiprocessing

from ns.core.base import Worker
from ns.plugins.loud import Loud

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Loud().run([1, 2]))
