from concurrent.futures import ProcessPoolExecutor


class Worker:
    def __init__(this, k):
        this.k = k

    def work(this, x):
        return this.k * x

    def run(this, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(this.work, xs))
