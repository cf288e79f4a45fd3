from pkg import PublicWorker


class Loud(PublicWorker):
    def work(self, x):
        return f"LOUD {x}"
