from concurrent.futures import ProcessPoolExecutor


class Parser:
    def parse(self, s):
        return int(s)

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.parse, xs))
