from pkg.base import Worker


class Custom(Worker):
    __slots__ = ("work",)

    def __init__(self, fn):
        self.work = fn
