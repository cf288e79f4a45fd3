import multiprocessing

from codec import Codec, encode_all

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Codec().run(["ab", "c"]))
    print(encode_all(["xy"]))
