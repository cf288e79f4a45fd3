import multiprocessing

from tasks import run

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    try:
        print(run([1, 2]))
    except Exception as e:
        print(type(e).__name__)
