from concurrent.futures import ProcessPoolExecutor


class Pairs:
    def pick(a, b):
        return b * 10

    pick = staticmethod(pick)

    def run(self, as_, bs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.pick, as_, bs))
