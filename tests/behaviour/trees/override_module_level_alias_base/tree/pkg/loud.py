from pkg import base

Base = base.Worker


class Loud(Base):
    def work(self, x):
        return f"LOUD {x}"
