from pkg.base import Worker

# The subclass is module-level under a different name so instances pickle by reference;
# the factory only picks it. (A class created inside the function would not pickle.)


def make_loud():
    return _Loud()


def _build():
    class Loud(Worker):
        def work(self, x):
            return f"LOUD {x}"

    Loud.__qualname__ = "_Loud"
    return Loud


_Loud = _build()
