import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool, Process, Queue

STATE = {}


def remember(tag):
    STATE["tag"] = tag


def tagged(x):
    return f"{STATE['tag']}:{x}"


def run(xs):
    y = 10
    tag = "p"
    with Pool(2, lambda: remember(tag * 2)) as pool:
        a = pool.map(lambda x: x + y, xs)
        b = pool.apply(lambda x: x * y, (3,))
        c = pool.map(tagged, xs)
    with Pool(processes=2, initializer=lambda: STATE.update(tag=tag)) as pool:
        d = pool.map(tagged, xs)
    with ProcessPoolExecutor(2) as ex:
        e = ex.submit(lambda x: x - y, 1).result()
        f = list(ex.map(lambda x, *rest, **kw: x * y, xs))
    return a, b, c, d, e, f


def late(xs):
    # The lambda is stored first; `z` is assigned before the pool call.
    fn = lambda x: x * z  # noqa: E731
    z = 4
    with Pool(2) as pool:
        return pool.map(fn, xs)


def targets():
    q = Queue()
    word = "kw"
    p = Process(target=lambda: q.put(word))
    p.start()
    print(q.get())
    p.join()
    p = Process(None, lambda: q.put(word + "-pos"))
    p.start()
    print(q.get())
    p.join()


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(run([1, 2]))
    print(late([1, 2]))
    targets()
