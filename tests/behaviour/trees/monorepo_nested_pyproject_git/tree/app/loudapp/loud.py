from corelib.base import Worker


class Loud(Worker):
    def work(self, x):
        return f"LOUD {x}"
