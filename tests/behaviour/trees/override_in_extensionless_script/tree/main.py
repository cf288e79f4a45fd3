import multiprocessing
import os
import subprocess
import sys

from pkg.base import Worker

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Worker().run([1, 2]))
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONPATH=here)
    out = subprocess.run([sys.executable, os.path.join(here, "bin", "loud-worker")], env=env, capture_output=True, text=True)
    print(out.stdout.strip(), out.returncode)
