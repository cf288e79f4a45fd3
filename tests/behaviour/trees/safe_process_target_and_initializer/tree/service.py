import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

_PREFIX = "?"


class Service:
    def __init__(self):
        self.lock = threading.Lock()

    def _init(self, prefix):
        global _PREFIX
        _PREFIX = prefix

    def _label(self, x):
        return f"{_PREFIX}{x}"

    def _job(self, q, x):
        q.put(x * 2)

    def go(self):
        q = multiprocessing.Queue()
        p = multiprocessing.Process(target=self._job, args=(q, 21))
        p.start()
        got = q.get(timeout=20)
        p.join()
        with ProcessPoolExecutor(max_workers=2, initializer=self._init, initargs=("#",)) as ex:
            labels = list(ex.map(self._label, [1, 2]))
        return got, labels
