import multiprocessing

from pages import PageProcess

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    try:
        print(PageProcess(2).multi_process(["a b c", "d e", "f"]))
    except Exception as e:
        print(type(e).__name__)
