from concurrent.futures import ProcessPoolExecutor


class Doc:
    def text(self, text):
        return text.strip()

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.text, xs))
