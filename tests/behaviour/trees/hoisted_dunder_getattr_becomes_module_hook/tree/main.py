import multiprocessing

import lookup

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(lookup.Lookup().run(["a", "b"]))
    print(getattr(lookup, "nope", "absent"))
