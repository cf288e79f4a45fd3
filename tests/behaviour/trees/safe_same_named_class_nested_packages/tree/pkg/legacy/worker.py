class Worker:
    def work(self, x):
        return f"legacy {x}"
