import multiprocessing

from worker import Worker


def double(x):
    return x * 2


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2, 3]))
    print(Worker(work=double).run([1, 2, 3]))
