import functools


def traced(cls):
    for name, value in list(vars(cls).items()):
        if callable(value) and not name.startswith("_") and name != "run":
            setattr(cls, name, _wrap(value))
    return cls


def _wrap(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return f"traced({fn(*args, **kwargs)})"

    return wrapper
