# -*- coding: utf-8 -*-
"""Count words of crawled pages in worker processes (the classic shape)."""
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class PageProcess(object):
    def __init__(self, worker):
        self.max_worker = worker
        self.lock = threading.Lock()  # makes the instance unpicklable
        self.results = []

    def single_process(self, page):
        words = page.split()
        return page, len(words)

    def multi_process(self, page_list):
        with ProcessPoolExecutor(max_workers=self.max_worker) as pp:
            result = pp.map(self.single_process, page_list)
            with self.lock:
                self.results.extend(result)
        return sorted(self.results)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(PageProcess(2).multi_process(["a b c", "d e", "f"]))
