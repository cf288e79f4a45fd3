from concurrent.futures import ProcessPoolExecutor


class Worker:
    def work(self, x):
        """Add one to every item."""
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))


def help_text():
    return f"work: {Worker.work.__doc__}"
