import multiprocessing

from describer import Describer

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    d = Describer()
    print(d.run([1, 2]))
    print(d.describe(3), d.describe("s"))
