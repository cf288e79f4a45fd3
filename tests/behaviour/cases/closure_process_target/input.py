import multiprocessing
from multiprocessing import Pipe, Process, Queue


def via_pipe():
    def job():
        parent_pipe.send("pong " + greeting)

    # Assigned after the def, before Process(...): the late-binding shape.
    parent_pipe, child_pipe = Pipe()
    greeting = "hello"
    p = Process(target=job)
    p.start()
    print(child_pipe.recv())
    p.join()


def positional_target():
    def job(n):
        q.put(n * factor)

    q = Queue()
    factor = 7
    p = Process(None, job, args=(6,))
    p.start()
    print(q.get())
    p.join()


def started_at_once():
    def job():
        q.put(label)

    q = Queue()
    label = "chained"
    Process(target=job).start()
    print(q.get())


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    via_pipe()
    positional_target()
    started_at_once()
