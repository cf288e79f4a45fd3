import json
import string
from concurrent.futures import ProcessPoolExecutor


class SetEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, set):
            return sorted(o)
        return json.JSONEncoder.default(self, o)

    def encode_many(self, objs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.default, objs))


class Shout(string.Formatter):
    def format_field(self, value, format_spec):
        return format(value, format_spec).upper()

    def format_many(self, pairs):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self.format_field, *zip(*pairs)))
