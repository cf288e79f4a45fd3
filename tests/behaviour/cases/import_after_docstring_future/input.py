#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# Licence: comments come first.
"""The docstring survives."""
from __future__ import annotations

import multiprocessing
from multiprocessing import Pool


def run(xs: list[int]) -> list[int]:
    def add(x: int) -> int:
        return x + n

    n = 2
    with Pool(2) as pool:
        return pool.map(add, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(__doc__)
    print(run([1, 2]))
