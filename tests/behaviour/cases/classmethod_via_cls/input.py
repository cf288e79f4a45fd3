import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Registry:
    OFFSET = 10
    lock = threading.Lock()  # class attribute: the class pickles by reference

    @classmethod
    def shift(cls, x):
        return x + cls.OFFSET

    @classmethod
    def run(cls, xs):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(cls.shift, xs))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Registry.run([1, 2, 3]))
