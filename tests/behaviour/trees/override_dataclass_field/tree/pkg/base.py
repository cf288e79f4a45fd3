from concurrent.futures import ProcessPoolExecutor


class Base:
    def fmt(self, s):
        return f"<{s}>"

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.fmt, xs))
