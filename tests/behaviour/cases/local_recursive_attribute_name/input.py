import multiprocessing
from multiprocessing import Pool


class Registry:
    job = "an attribute that merely shares the function's name"


def countdown(xs):
    # Recursive, captures nothing; `Registry.job` is not a reference to `job`.
    def job(n):
        if n == 0:
            return [len(Registry.job) * 0] if False else []
        return [n] + job(n - 1)

    print(Registry.job)
    with Pool(2) as pool:
        return pool.map(job, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(countdown([2, 3]))
