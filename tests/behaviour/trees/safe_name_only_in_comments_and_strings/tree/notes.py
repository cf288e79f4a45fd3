"""How to customise the worker.

    class Loud(Worker):
        def work(self, x):
            return f"LOUD {x}"
"""

# class Quiet(Worker):
#     def work(self, x): ...


def hint():
    name = "work"
    return f"override {name} in a subclass of Worker"
