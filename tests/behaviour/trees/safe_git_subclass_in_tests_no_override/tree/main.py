import multiprocessing

from src_pkg.worker import Worker
from tests.test_worker import test_subclass_uses_work

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    test_subclass_uses_work()
    print("test passed")
