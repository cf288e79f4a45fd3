import threading
from concurrent.futures import ProcessPoolExecutor


class PageProcess:
    def __init__(self, workers):
        self.max_workers = workers
        self.lock = threading.Lock()  # makes the instance unpicklable
        self.results = []

    def single_process(self, page):
        words = page.split()
        return page, len(words)

    def multi_process(self, pages):
        with ProcessPoolExecutor(max_workers=self.max_workers) as pp:
            result = pp.map(self.single_process, pages)
            with self.lock:
                self.results.extend(result)
        return sorted(self.results)
