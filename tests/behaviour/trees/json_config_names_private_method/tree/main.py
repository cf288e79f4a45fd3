import multiprocessing

from dispatch import call
from workers import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    print(call(Worker(), 5))
