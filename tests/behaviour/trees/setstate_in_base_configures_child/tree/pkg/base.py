from pkg import config


class Configurable:
    def __init__(self, scale):
        self.scale = scale

    def __getstate__(self):
        return {"scale": self.scale}

    def __setstate__(self, state):
        self.scale = state["scale"]
        config.SCALE = state["scale"]
