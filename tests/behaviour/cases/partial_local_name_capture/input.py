import multiprocessing
import threading
from functools import partial


class Scene:
    def __init__(self):
        self.lock = threading.Lock()

    def scene(self, x, q="*"):
        return f"{q}{x}{q}"

    def preview(self, xs):
        with multiprocessing.Pool(2) as pool:
            return pool.map(self.scene, xs)

    def run(self, q, xs):
        # the local name `scene` must not capture the hoisted function
        scene = partial(self.scene, q=q)
        with multiprocessing.Pool(2) as pool:
            return pool.map(scene, xs)


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    s = Scene()
    print(s.preview(["a", "b"]))
    print(s.run("#", ["c", "d"]))
