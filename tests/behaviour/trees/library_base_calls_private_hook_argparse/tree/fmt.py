import argparse
from concurrent.futures import ProcessPoolExecutor


class KeepLines(argparse.HelpFormatter):
    def _split_lines(self, text, width):
        return text.splitlines()

    def split_all(self, texts):
        with ProcessPoolExecutor(max_workers=2) as ex:
            return list(ex.map(self._split_lines, texts, [40] * len(texts)))
