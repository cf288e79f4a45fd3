import multiprocessing

from workers import Doc

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Doc().run([" a ", "b "]))
    print(repr(Doc().text("  c  ")))
