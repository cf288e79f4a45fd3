from pkg.base import Worker


def shout(x):
    return f"LOUD {x}"


class Loud(Worker):
    work = staticmethod(shout)
