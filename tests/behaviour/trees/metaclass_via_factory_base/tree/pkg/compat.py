import functools


def _tag(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return ("tagged", fn(*args, **kwargs))

    return wrapper


class Tagged(type):
    def __new__(mcs, name, bases, ns):
        for key, value in list(ns.items()):
            if callable(value) and not key.startswith("_") and key != "run":
                ns[key] = _tag(value)
        return super().__new__(mcs, name, bases, ns)


def with_metaclass(meta):
    return meta("TemporaryBase", (object,), {})
