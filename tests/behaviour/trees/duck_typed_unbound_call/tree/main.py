import multiprocessing

from pkg.base import Worker
from pkg.duck import Duck

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(Worker.run(Duck(), [1, 2]))
