from pkg.middle import Middle as M


class Loud(M):
    def work(self, x):
        return f"LOUD {x}"
