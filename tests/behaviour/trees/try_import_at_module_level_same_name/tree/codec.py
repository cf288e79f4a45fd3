from concurrent.futures import ProcessPoolExecutor

try:
    from fastcodec import encode
except ImportError:
    encode = None


def encode_all(xs):
    return [encode(x) for x in xs]


class Codec:
    def encode(self, s):
        return s[::-1]

    def run(self, xs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.encode, xs))
