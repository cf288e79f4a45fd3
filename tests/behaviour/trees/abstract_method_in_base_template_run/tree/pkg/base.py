from abc import ABC, abstractmethod
from concurrent.futures import ProcessPoolExecutor


class Base(ABC):
    @abstractmethod
    def work(self, x):
        """Transform one item."""

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
