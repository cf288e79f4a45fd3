import enum


class Kind(enum.Enum):
    UP = "_up"
    REV = "_rev"


def convert(conv, kind, s):
    return getattr(conv, kind.value)(s)
