from mylib.core import Worker as Base


class Loud(Base):
    def work(self, x):
        return f"LOUD {x}"
