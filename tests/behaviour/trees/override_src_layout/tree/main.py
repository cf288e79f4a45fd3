import multiprocessing
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "src"))

from mylib.core import Worker  # noqa: E402
from mylib.ext.loud import Loud  # noqa: E402

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Loud().run([1, 2]))
