import os
from concurrent.futures import ProcessPoolExecutor

LOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "del.log")


class Worker:
    def __del__(self):
        if os.getpid() != int(os.environ.get("TRAP_PARENT_PID", "0")):
            with open(LOG, "a") as f:
                f.write("finalised\n")

    def work(self, x):
        return x + 1

    def run(self, xs):
        os.environ["TRAP_PARENT_PID"] = str(os.getpid())
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.work, xs))
