import multiprocessing

from pkg.worker import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker(5).run([1, 2]))
