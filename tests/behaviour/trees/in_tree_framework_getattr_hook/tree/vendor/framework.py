class Plugin:
    def handle(self, x):
        hook = getattr(self, "_prepare", None)
        if hook is not None:
            x = hook(x)
        return f"handled {x}"
