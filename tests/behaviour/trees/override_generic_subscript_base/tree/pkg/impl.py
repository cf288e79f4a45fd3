from pkg.base import Worker


class Doubler(Worker[int]):
    def work(self, x: int) -> int:
        return x * 2
