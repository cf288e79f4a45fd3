import multiprocessing

from tasks import configure, shift_all

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    configure(5)
    try:
        print(shift_all([1, 2]))
    except Exception as e:
        print(type(e).__name__)
