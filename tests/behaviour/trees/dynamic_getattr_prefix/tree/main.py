import multiprocessing

from exporter import Exporter

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    e = Exporter()
    print(e.run(["a", "b"]))
    print(e.export("upper", "c"), e.export("lower", "D"))
