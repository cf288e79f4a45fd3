import multiprocessing

from scaler import Scaler, Triple

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Scaler().run([1, 2]))
    print(Triple().run([1, 2]))
