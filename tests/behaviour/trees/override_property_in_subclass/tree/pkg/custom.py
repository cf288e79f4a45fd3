from pkg.base import Worker


class Custom(Worker):
    @property
    def work(self):
        return str.upper
