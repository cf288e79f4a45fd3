import multiprocessing

from ops import apply_all
from workers import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(apply_all([Worker(), Worker()]))
