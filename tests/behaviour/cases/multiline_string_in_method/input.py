import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Reporter:
    def __init__(self):
        self.lock = threading.Lock()

    def render(self, name):
        text = """Report for {name}
        eight spaces
            twelve spaces
    four spaces
no indent
"""
        return text.format(name=name)

    def run(self, names):
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.render, names))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    for block in Reporter().run(["x", "y"]):
        print(block, end="")
