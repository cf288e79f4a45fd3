def render(s):
    return f"*** {s} ***"
