from concurrent.futures import ProcessPoolExecutor


class Rules:
    def _rule_even(self, x):
        return x % 2 == 0

    def _rule_small(self, x):
        return x < 3

    def checks(self, x):
        return {name: getattr(self, name)(x) for name in dir(self) if name.startswith("_rule_")}

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._rule_even, xs))
