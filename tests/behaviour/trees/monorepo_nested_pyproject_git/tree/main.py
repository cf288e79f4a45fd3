import multiprocessing
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "lib"), os.path.join(HERE, "app")]

from corelib.base import Worker  # noqa: E402
from loudapp.loud import Loud  # noqa: E402

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Loud().run([1, 2]))
