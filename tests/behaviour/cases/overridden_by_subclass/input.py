import multiprocessing
from multiprocessing import Pool


class Base:
    def fmt(self, x):
        return f"base {x}"

    def run(self, xs):
        with Pool(2) as pool:
            return pool.map(self.fmt, xs)


class Loud(Base):
    def fmt(self, x):
        return f"LOUD {x}"


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Base().run([1, 2]))
    print(Loud().run([1, 2]))
