from concurrent.futures import ProcessPoolExecutor


class Item:
    def __init__(self, key):
        self.__key = key

    def extract(self, other):
        return other.__key * 10

    def run(self, items):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.extract, items))
