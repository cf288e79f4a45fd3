import argparse
import multiprocessing

from fmt import KeepLines


def make_formatter(prog):
    return KeepLines(prog, width=60)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(KeepLines("prog", width=60).split_all(["a\nb", "c"]))
    parser = argparse.ArgumentParser(prog="demo", formatter_class=make_formatter, add_help=False)
    parser.add_argument("--mode", help="first line\nsecond line\nthird line")
    print(parser.format_help())
