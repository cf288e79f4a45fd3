from concurrent.futures import ProcessPoolExecutor


class Rules:
    def _rule_even(self, x):
        return x % 2 == 0

    def _rule_small(self, x):
        return x < 3

    def checks(self, x):
        return sorted(name for name, fn in vars(Rules).items() if name.startswith("_rule_") and fn(self, x))

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._rule_even, xs))
