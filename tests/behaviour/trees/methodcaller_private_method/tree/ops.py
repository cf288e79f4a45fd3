import operator

_call = operator.methodcaller("_work", 10)


def apply_all(workers):
    return [_call(w) for w in workers]
