# -*- coding: latin-1 -*-
"""Python 2-era module: latin-1 bytes in strings and comments (café, naïve)."""
import multiprocessing as mp
import threading

PREFIX = "résumé:"  # é is one byte here


class Normaliser(object):
    """Holds a lock, so the instance cannot be pickled."""

    def __init__(self):
        self.lock = threading.Lock()

    def clean(self, word):
        # strip the accents we know: à é è ü
        table = {"à": "a", "é": "e", "è": "e", "ü": "u"}
        return PREFIX + "".join(table.get(c, c) for c in word)

    def run(self, words):
        ctx = mp.get_context("spawn")
        with ctx.Pool(2) as pool:
            return pool.map(self.clean, words)


def lengths(words):
    ctx = mp.get_context("spawn")
    with ctx.Pool(2) as pool:
        return pool.map(lambda w: (w, len(w)), words)


if __name__ == "__main__":
    print(Normaliser().run(["café", "naïve", "über"]))
    print(lengths(["déjà", "vu"]))
