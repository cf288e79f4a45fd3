import ast
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Base:
    def __init__(self, factor):
        self.factor = factor
        self.ast = "tree"
        self.lock = threading.Lock()  # makes the instance unpicklable


class Walker(Base):
    def depth(self, n):
        # Recursive through self; reads state set in the base class's __init__.
        if n <= 0:
            return ast.literal_eval("1") * self.factor
        return self.depth(n - 1) + len(self.ast)

    def options(self, x, **kwargs):
        return x * self.factor, sorted(kwargs)

    def run(self, xs):
        with ProcessPoolExecutor(2) as ex:
            a = list(ex.map(self.depth, xs))
            b = ex.submit(self.options, 3, factor="caller").result()
        return a, b


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    w = Walker(3)
    print(w.run([1, 2]))
    print(w.depth(0), w.options(1))
