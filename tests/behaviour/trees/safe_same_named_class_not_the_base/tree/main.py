import multiprocessing

import a
import c

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(a.Worker().run([1, 2]))
    print(c.Loud().work(3))
