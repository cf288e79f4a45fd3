import multiprocessing
from concurrent.futures import ProcessPoolExecutor


class Service:
    def __init__(self):
        # the executor itself (locks, queues) is stored on the instance
        self.ex = ProcessPoolExecutor(2)

    def checksum(self, data):
        return sum(data.encode()) % 251

    def submit_all(self, items):
        futures = [self.ex.submit(self.checksum, item) for item in items]
        return [f.result() for f in futures]

    def close(self):
        self.ex.shutdown()


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    service = Service()
    try:
        print(service.submit_all(["alpha", "beta", "gamma"]))
    finally:
        service.close()
