from pkg.base import Worker


class Fancy(Worker):
    def _fmt(self, x):
        return f"*{x}*"
