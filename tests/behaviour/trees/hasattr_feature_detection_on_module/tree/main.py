import multiprocessing

from compat import parse
from workers import Parser

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Parser().run(["1", "2"]))
    print(parse("3"))
