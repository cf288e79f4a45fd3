import multiprocessing

from worker import Worker, double


def configure(w):
    vars(w).update({"work": double})
    return w


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(configure(Worker()).run([1, 2, 3]))
