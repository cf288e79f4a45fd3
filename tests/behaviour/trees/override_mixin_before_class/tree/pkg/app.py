from pkg.base import Worker
from pkg.mixins import LoudMixin


class Loud(LoudMixin, Worker):
    pass
