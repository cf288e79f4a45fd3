import multiprocessing

from commands import Shell
from registry import available

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Shell().run(["a", "b"]))
    print(available())
