import enum
from concurrent.futures import ProcessPoolExecutor


class Color(enum.Enum):
    RED = 1
    BLUE = 2

    def label(self, x):
        return f"#{x}"

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.label, xs))
