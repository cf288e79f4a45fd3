import multiprocessing

from colors import Color

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Color.RED.run([1, 2]))
    print([m.name for m in Color], Color.BLUE.label(3))
