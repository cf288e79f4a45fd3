import functools

from pkg.worker import Worker

_original = Worker.work


@functools.wraps(_original)
def _traced_work(self, x):
    return "traced " + _original(self, x)


Worker.work = _traced_work
