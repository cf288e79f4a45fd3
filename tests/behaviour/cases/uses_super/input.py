import multiprocessing
from concurrent.futures import ProcessPoolExecutor


class Base:
    def label(self, x):
        return f"<{x}>"


class Fancy(Base):
    def label(self, x):
        return "*" + super().label(x) + "*"

    def run(self, xs):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.label, xs))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Fancy().run(["a", "b"]))
