from concurrent.futures import ProcessPoolExecutor


class Cleaner:
    def _clean(self, s):
        return s.strip().lower()

    normalize = _clean

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._clean, xs))
