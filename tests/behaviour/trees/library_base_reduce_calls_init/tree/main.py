import multiprocessing

from settings import Settings

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Settings(a=1).run([1, 2]))
