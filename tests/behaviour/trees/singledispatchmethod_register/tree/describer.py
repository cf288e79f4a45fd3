import functools
from concurrent.futures import ProcessPoolExecutor


class Describer:
    @functools.singledispatchmethod
    def describe(self, x):
        return f"thing {x!r}"

    def _describe_int(self, x):
        return f"int {x}"

    describe.register(int, _describe_int)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._describe_int, xs))
