class Worker:
    def work(self, x):
        return f"b {x}"
