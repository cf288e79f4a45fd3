from concurrent.futures import ProcessPoolExecutor


class Tool:
    def helper(self, x):
        return x * 2

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.helper, xs))
