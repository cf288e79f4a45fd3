#!/usr/bin/env python
# vim: set fileencoding=cp1252 :
"""cp1252: the euro sign and typographic quotes are single bytes here."""
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp


class Pricer:
    def __init__(self):
        self.queue = mp.Queue()  # unpicklable outside inheritance

    def label(self, amount):
        return f"“{amount:.2f} €” – ok"

    def run(self, amounts):
        with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as ex:
            return list(ex.map(self.label, amounts))


if __name__ == "__main__":
    for line in Pricer().run([1, 2.5]):
        print(line)
