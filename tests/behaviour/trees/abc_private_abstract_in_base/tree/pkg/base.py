from abc import ABC, abstractmethod


class Base(ABC):
    @abstractmethod
    def _work(self, x):
        """Transform one item."""
