from concurrent.futures import ProcessPoolExecutor


def _fast(x):
    return x * 1000


def install():
    global handler
    handler = _fast


class Job:
    def handler(self, x):
        return x + 1

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.handler, xs))
