import multiprocessing
import multiprocessing.dummy
import threading


class Crawler:
    def __init__(self):
        self.lock = threading.Lock()

    def fetch(self, url):
        return url + "!"

    def crawl(self, urls):
        with multiprocessing.dummy.Pool(2) as pool:
            return pool.map(self.fetch, urls)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Crawler().crawl(["a", "b"]))
