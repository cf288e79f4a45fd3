class LoudMixin:
    def work(self, x):
        return f"LOUD {x}"
