import functools

from pkg.worker import Worker


def _logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return "logged:" + fn(*args, **kwargs)

    return wrapper


for name in ("work",):
    setattr(Worker, name, _logged(getattr(Worker, name)))
