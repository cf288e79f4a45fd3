import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def main(words):
    def shout(word):
        return word.upper() + "!"

    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        futures = [ex.submit(shout, w) for w in words]
        return [f.result() for f in futures]


if __name__ == "__main__":
    print(main(["hi", "there"]))
