from pkg.base import Worker


def _loud_work(self, x):
    return f"LOUD {x}"


_loud_work.__name__ = "work"  # bound methods pickle as getattr(obj, __name__)


Loud = type("Loud", (Worker,), {"work": _loud_work, "__module__": __name__})
