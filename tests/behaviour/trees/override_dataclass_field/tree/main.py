import multiprocessing

from pkg.base import Base
from pkg.custom import Shouting

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Base().run(["a", "b"]))
    print(Shouting().run(["a", "b"]))
