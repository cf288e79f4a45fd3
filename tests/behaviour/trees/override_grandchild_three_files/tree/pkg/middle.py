from pkg.base import Worker


class Middle(Worker):
    def describe(self):
        return "middle"
