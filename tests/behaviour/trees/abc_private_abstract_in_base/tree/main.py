import multiprocessing

from pkg.impl import Impl

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Impl().run([1, 2]))
