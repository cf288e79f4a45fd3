import multiprocessing
import os

from worker import LOG, Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    if os.path.exists(LOG):
        os.remove(LOG)
    w = Worker()
    print(w.run([1, 2]))
    with open(LOG) if os.path.exists(LOG) else open(os.devnull) as f:
        print("children finalised instances:", len(f.readlines()) > 0)
