import inspect

import commands


def available():
    return sorted(
        name
        for name, fn in inspect.getmembers(commands, inspect.isfunction)
        if fn.__module__ == commands.__name__ and not name.startswith("_")
    )
