import contextlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


@contextlib.contextmanager
def children_stderr_hidden():
    # spawned children inherit fd 2: hide their tracebacks so the output is deterministic
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


if __name__ == "__main__":
    class Point:
        def __init__(self, x):
            self.x = x

    def describe(x):
        return repr(Point(x).x)

    multiprocessing.set_start_method("spawn")
    try:
        with children_stderr_hidden(), ProcessPoolExecutor(max_workers=2) as ex:
            print(list(ex.map(describe, [1, 2])))
    except Exception as e:
        print(type(e).__name__)
