from concurrent.futures import ProcessPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")


class Worker(Generic[T]):
    def work(self, x: T) -> T:
        return x

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
