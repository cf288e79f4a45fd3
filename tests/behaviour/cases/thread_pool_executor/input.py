import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor


class Crawler:
    def __init__(self):
        self.lock = threading.Lock()

    def fetch(self, url):
        return url.upper()

    def crawl(self, urls):
        with ThreadPoolExecutor(max_workers=2) as pool:
            return sorted(pool.map(self.fetch, urls))


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Crawler().crawl(["b", "a"]))
