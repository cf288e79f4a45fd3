import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

WIDTH = 10


class Labeler:
    def __init__(self):
        self.lock = threading.Lock()

    def render(
        self,
        name: str,
        width: int = WIDTH,
        *parts: str,
        sep: str = "-",
        upper: bool = False,
        **extra: int,
    ) -> str:
        """Render one label.

        The name and parts are joined with sep, then padded to width.
        """
        # join the pieces first
        body = sep.join((name,) + parts)
        if upper:
            body = body.upper()  # shout
        tail = ",".join(f"{k}={v}" for k, v in sorted(extra.items()))
        return body.ljust(width, ".") + "|" + tail

    def run(self):
        with ProcessPoolExecutor(2) as ex:
            futures = [
                ex.submit(self.render, "a", 8, "x", "y", sep="+", upper=True, n=1, m=2),
                ex.submit(self.render, "plain"),
                ex.submit(self.render, name="kw", width=4, upper=False),
            ]
            return [f.result() for f in futures]


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    for line in Labeler().run():
        print(line)
