from concurrent.futures import ProcessPoolExecutor


class Cleaner:
    def _clean(self, s):
        return s.strip().lower()

    def _shout(self, s):
        return s.upper() + "!"

    HANDLERS = {"clean": _clean, "shout": _shout}

    def apply(self, kind, s):
        return self.HANDLERS[kind](self, s)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._clean, xs))
