from pkg import config


def _restore(cls, scale):
    config.SCALE = scale
    obj = cls.__new__(cls)
    obj.scale = scale
    return obj


class Reducible:
    def __init__(self, scale):
        self.scale = scale

    def __reduce__(self):
        return (_restore, (type(self), self.scale))


class Middle(Reducible):
    pass
