from concurrent.futures import ProcessPoolExecutor

from vendor.framework import Plugin


class Upper(Plugin):
    def _prepare(self, x):
        return x.upper()

    def prepare_all(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._prepare, xs))
