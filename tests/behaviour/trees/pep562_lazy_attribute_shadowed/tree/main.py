import multiprocessing

from client import show
from workers import Page

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Page().run(["a", "b"]))
    print(show("c"))
