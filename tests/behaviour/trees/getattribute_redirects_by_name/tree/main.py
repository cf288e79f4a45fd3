import multiprocessing

from worker import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker(turbo=False).run([1, 2]))
    print(Worker(turbo=True).run([1, 2]))
