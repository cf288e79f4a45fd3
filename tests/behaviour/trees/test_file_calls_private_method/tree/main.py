import multiprocessing

from pkg.worker import Worker
from tests.test_worker import test_square

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2, 3]))
    try:
        test_square()
        print("test_square passed")
    except Exception as e:
        print("test_square FAILED", type(e).__name__)
