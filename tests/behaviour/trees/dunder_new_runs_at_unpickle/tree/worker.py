from concurrent.futures import ProcessPoolExecutor

import state


class Worker:
    def __new__(cls, *args, **kwargs):
        state.READY = True
        return super().__new__(cls)

    def work(self, x):
        return (x, state.READY)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
