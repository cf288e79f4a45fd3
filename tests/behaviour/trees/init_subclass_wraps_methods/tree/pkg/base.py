import functools


def _checked(fn):
    @functools.wraps(fn)
    def wrapper(self, x):
        return "checked:" + str(fn(self, x))

    return wrapper


class Base:
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "work" in vars(cls):
            cls.work = _checked(vars(cls)["work"])
