import multiprocessing

from pkg import PublicWorker
from ext.loud import Loud

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(PublicWorker().run([1, 2]))
    print(Loud().run([1, 2]))
