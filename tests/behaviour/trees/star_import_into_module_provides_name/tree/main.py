import multiprocessing

from shapes import Square, total_area

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Square().run([1, 2]))
    print(total_area([1, 2]))
