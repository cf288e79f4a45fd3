import collections
from concurrent.futures import ProcessPoolExecutor

import state


class Settings(collections.OrderedDict):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        state.LOADED = True

    def work(self, x):
        return (x, state.LOADED)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
