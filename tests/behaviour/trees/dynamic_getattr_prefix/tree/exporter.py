from concurrent.futures import ProcessPoolExecutor


class Exporter:
    def _as_upper(self, s):
        return s.upper()

    def _as_lower(self, s):
        return s.lower()

    def export(self, kind, s):
        return getattr(self, "_as_" + kind)(s)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._as_upper, xs))
