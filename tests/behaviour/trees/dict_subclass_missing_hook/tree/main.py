import multiprocessing

from defaults import Defaults

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    d = Defaults()
    print(d.fill(["a", "b"]))
    print(d["ab"])
