from workers import Worker


def summary():
    w = Worker()
    return w.work(3), Worker.work(w, 4)
