import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Base:
    def __init__(self):
        self.lock = threading.Lock()

    def square(self, x):
        return x * x

    def run(self, xs):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.square, xs))


class Child(Base):
    def total(self, xs):
        return sum(self.square(x) for x in xs) + Base.square(self, 10)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    child = Child()
    print(child.run([1, 2, 3]))
    print(child.square(3))
    print(child.total([1, 2]))
    print(Base().square(4))
