import functools


def expose(*names):
    def decorate(cls):
        for name in names:
            setattr(cls, name, _wrap(getattr(cls, name)))
        return cls

    return decorate


def _wrap(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return {"result": fn(*args, **kwargs)}

    return wrapper
