import multiprocessing

from cleaner import Cleaner

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    c = Cleaner()
    print(c.run([" A ", "b "]))
    print(repr(c.apply("clean", "  Mixed ")), repr(c.apply("shout", "x")))
