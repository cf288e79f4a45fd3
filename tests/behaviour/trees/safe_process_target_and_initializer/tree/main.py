import multiprocessing

from service import Service

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    try:
        print(Service().go())
    except Exception as e:
        print(type(e).__name__)
