import multiprocessing

from rules import Rules

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    r = Rules()
    print(r.run([1, 2, 3]))
    print(r.checks(4))
