from workers import Worker


def preview():
    return Worker()._fmt(1)
