import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


def scale_all(xs):
    # `k` is assigned after the def and before the pool call (late binding).
    def scale(x):
        return x * k

    k = len(xs) + 1
    direct = scale(10)
    with Pool(2) as pool:
        mapped = pool.map(scale, xs)
        one = pool.apply_async(scale, (5,)).get()
    with ProcessPoolExecutor(2) as ex:
        submitted = ex.submit(scale, 7).result()
    return direct, mapped, one, submitted


def loop_capture(xs):
    out = []
    with ProcessPoolExecutor(2) as ex:
        for i in range(3):
            def add(x):
                return x + i

            out.append(ex.submit(add, 100).result())
    return out


def keyword_sink(xs):
    # `**kwargs` receives `k=` from the caller: the capture may not take it.
    def report(x, **kwargs):
        return x * k, sorted(kwargs.items())

    k = 3
    with ProcessPoolExecutor(2) as ex:
        return ex.submit(report, 2, k="caller").result()


def branches(flag, xs):
    if flag:
        m = 2
    else:
        m = 5

    def mul(x):
        return x * m

    with Pool(2) as pool:
        return pool.map(mul, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(scale_all([1, 2, 3]))
    print(loop_capture([1]))
    print(keyword_sink([1]))
    print(branches(True, [1, 2]), branches(False, [1, 2]))
