import multiprocessing

from tests.test_exprs import test_expressions
from workers import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    try:
        test_expressions()
        print("test passed")
    except Exception as e:
        print("test FAILED", type(e).__name__)
