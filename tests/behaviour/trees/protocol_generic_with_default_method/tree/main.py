import multiprocessing

from pkg.impl import Doubler, Structural
from pkg.proto import Runner

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(Doubler().run([1, 2]))
    print(Runner.run(Structural(), [1, 2]))
