import multiprocessing

from tasks import scale_all

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    try:
        print(scale_all([1, 2]))
    except Exception as e:
        print(type(e).__name__)
