class Duck:
    def work(self, x):
        return f"quack {x}"
