from concurrent.futures import ProcessPoolExecutor


class Converter:
    def _up(self, s):
        return s.upper()

    def _rev(self, s):
        return s[::-1]

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._up, xs))
