import multiprocessing

from pkg.base import Worker
from pkg.custom import Custom

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run(["a", "b"]))
    print(Custom(str.upper).run(["a", "b"]))
