import multiprocessing


def shorten_all(xs):
    with multiprocessing.Pool(2) as pool:
        return pool.map(lambda s: fmt(s, width=8, placeholder="~"), xs)


if __name__ == "__main__":
    from textwrap import shorten as fmt

    multiprocessing.set_start_method("spawn")
    try:
        print(shorten_all(["a b c d e f g", "short"]))
    except Exception as e:
        print(type(e).__name__)
