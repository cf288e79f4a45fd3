# PF005: a Process subclass holding an open file, through a context's Process.
import multiprocessing as mp
import os
import tempfile

ctx = mp.get_context("spawn")


class Writer(ctx.Process):
    def __init__(self, path):
        super().__init__()
        self.out = open(path, "w")

    def run(self):
        self.out.write("x")


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "out.txt")
    w = Writer(path)
    w.start()
    w.join()
