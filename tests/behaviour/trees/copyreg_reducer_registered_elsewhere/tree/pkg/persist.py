import copyreg

from pkg import config
from pkg.worker import Worker


def _rebuild(scale):
    config.SCALE = scale
    return Worker(scale)


def _reduce_worker(w):
    return (_rebuild, (w.scale,))


copyreg.pickle(Worker, _reduce_worker)
