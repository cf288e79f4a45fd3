def score(x):
    return f"report score {x}"


from workers import *  # noqa: E402,F403


def summary(x):
    return score(x)
