import multiprocessing

from items import Item

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Item(0).run([Item(1), Item(2)]))
