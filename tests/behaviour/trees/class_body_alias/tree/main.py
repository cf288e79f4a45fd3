import multiprocessing

from cleaner import Cleaner

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Cleaner().run([" A ", "b "]))
    print(repr(Cleaner().normalize("  Mixed ")))
