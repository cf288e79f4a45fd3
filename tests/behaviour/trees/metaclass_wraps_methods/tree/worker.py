import functools
from concurrent.futures import ProcessPoolExecutor


class Tagged(type):
    def __new__(mcs, name, bases, ns):
        for key, value in list(ns.items()):
            if callable(value) and not key.startswith("_") and key != "run":
                ns[key] = _tag(value)
        return super().__new__(mcs, name, bases, ns)


def _tag(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return ("tagged", fn(*args, **kwargs))

    return wrapper


class Worker(metaclass=Tagged):
    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
