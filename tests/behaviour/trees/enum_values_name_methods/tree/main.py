import multiprocessing

from pkg.converter import Converter
from pkg.dispatch import Kind, convert

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Converter().run(["a", "b"]))
    print(convert(Converter(), Kind.UP, "c"), convert(Converter(), Kind.REV, "abc"))
