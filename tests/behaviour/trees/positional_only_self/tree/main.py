import multiprocessing

from workers import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    w = Worker()
    print(w.run([1, 2]))
    print(w.work(3, k=5))
