import multiprocessing

from pairs import Pairs

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Pairs().run([1, 2], [3, 4]))
