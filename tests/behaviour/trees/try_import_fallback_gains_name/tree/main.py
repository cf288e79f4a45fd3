import multiprocessing

from plugin import describe
from workers import Tool

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Tool().run([1, 2]))
    print(describe(3))
