from concurrent.futures import ProcessPoolExecutor


class Defaults(dict):
    def __missing__(self, key):
        return key * 2

    def fill(self, keys):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.__missing__, keys))
