# Negative: multiprocessing.Lock (and Queue) handed to Process pickle while it starts.
import multiprocessing


def work(lock, q):
    with lock:
        q.put("worked")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    lock = multiprocessing.Lock()
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=work, args=(lock, q))
    p.start()
    print(q.get())
    p.join()
