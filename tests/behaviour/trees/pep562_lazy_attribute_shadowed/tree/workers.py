from concurrent.futures import ProcessPoolExecutor


class Page:
    def render(self, s):
        return f"<p>{s}</p>"

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.render, xs))


def __getattr__(name):
    if name == "render":
        import fancy

        return fancy.render
    raise AttributeError(name)
