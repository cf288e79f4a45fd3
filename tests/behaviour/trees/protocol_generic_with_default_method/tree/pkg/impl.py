from pkg.proto import Runner


class Doubler(Runner[int]):
    def work(self, x: int) -> int:
        return x * 2


class Structural:
    def work(self, x):
        return x * 3
