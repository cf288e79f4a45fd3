import multiprocessing
import threading

CTX = multiprocessing.get_context("spawn")


class Emitter:
    def __init__(self):
        self.lock = threading.Lock()

    def emit(self, q, x):
        q.put((x, x * 10))

    def run(self, xs):
        q = CTX.Queue()
        procs = [CTX.Process(target=self.emit, args=(q, x)) for x in xs]
        for p in procs:
            p.start()
        out = sorted(q.get(timeout=60) for _ in xs)
        for p in procs:
            p.join()
        return out


if __name__ == "__main__":
    print(Emitter().run([1, 2, 3]))
