from concurrent.futures import ProcessPoolExecutor

CREATED = []


class Worker:
    def work(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))


def make():
    CREATED.append("made")
    return Worker()


def direct(x):
    return Worker.work(make(), x)
