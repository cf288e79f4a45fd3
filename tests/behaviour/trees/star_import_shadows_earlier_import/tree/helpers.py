def score(x):
    return x + 1
