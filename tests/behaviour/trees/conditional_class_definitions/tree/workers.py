import os
from concurrent.futures import ProcessPoolExecutor

if os.environ.get("WORKERS_TURBO") == "1":
    class Worker:
        def work(self, x):
            return x * 100

        def run(self, xs):
            with ProcessPoolExecutor(max_workers=2) as ex:
                return list(ex.map(self.work, xs))
else:
    class Worker:
        def work(self, x):
            return x + 1

        def run(self, xs):
            with ProcessPoolExecutor(max_workers=2) as ex:
                return list(ex.map(self.work, xs))
