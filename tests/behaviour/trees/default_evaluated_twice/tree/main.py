import multiprocessing

import workers

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(workers.Worker().run([1, 2]))
    print(workers.Worker().work(1), len(workers.EVALUATED))
