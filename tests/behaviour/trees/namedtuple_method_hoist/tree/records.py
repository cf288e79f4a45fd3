from concurrent.futures import ProcessPoolExecutor
from typing import NamedTuple


class Job(NamedTuple):
    name: str
    factor: int = 1

    def twice(self, x):
        return x * 2

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.twice, xs))
