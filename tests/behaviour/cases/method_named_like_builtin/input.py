import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


def odd(d):
    return d % 2 == 1


class Sieve:
    def __init__(self):
        self.lock = threading.Lock()

    def filter(self, n):
        return [d for d in range(1, n + 1) if n % d == 0]

    def run(self, ns):
        with ProcessPoolExecutor(2) as ex:
            divisors = list(ex.map(self.filter, ns))
        return [list(filter(odd, ds)) for ds in divisors]


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Sieve().run([6, 10, 12]))
    print(list(filter(None, [0, 1, 2])))
