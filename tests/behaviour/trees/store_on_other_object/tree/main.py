import multiprocessing

from worker import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    w = Worker()
    print(w.run([1, 2]))
    w.work = str
    print(w.run([1, 2]))
