import multiprocessing

from pkg.worker import Worker
from tests.test_worker import test_run_one_is_patchable

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    try:
        test_run_one_is_patchable()
        print("test passed")
    except AssertionError as e:
        print("test FAILED", e)
