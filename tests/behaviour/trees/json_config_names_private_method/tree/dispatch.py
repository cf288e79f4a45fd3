import json
import os

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "config.json")) as f:
    CONFIG = json.load(f)


def call(w, x):
    return getattr(w, CONFIG["method"])(x)
