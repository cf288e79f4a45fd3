import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Cleaner:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples = []

    def _clean(self, word):
        return word.strip().lower()

    def _score(self, word):
        cleaned = self._clean(word)
        return cleaned, len(cleaned)

    def process(self, word):
        return self._score(word)

    def run(self, words):
        with ProcessPoolExecutor(2) as ex:
            scored = sorted(ex.map(self.process, words))
        with self.lock:
            self.samples.append(self._clean("  SAMPLE "))
        return scored, self.samples


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Cleaner().run(["  Apple", "kiwi  ", " BANANA "]))
