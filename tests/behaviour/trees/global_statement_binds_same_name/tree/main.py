import multiprocessing

import jobs

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    jobs.install()
    print(jobs.Job().run([1, 2]))
    print(jobs.handler(3))
