import multiprocessing

from app.plugin import Upper

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Upper().prepare_all(["a", "b"]))
    print(Upper().handle("abc"))
