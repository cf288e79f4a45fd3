import asyncio
import hashlib
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Hasher:
    def __init__(self):
        self.lock = threading.Lock()

    def digest(self, word):
        return word, hashlib.sha256(word.encode()).hexdigest()[:8]

    async def run(self, words):
        loop = asyncio.get_running_loop()
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(2, mp_context=ctx) as pool:
            futs = [loop.run_in_executor(pool, self.digest, w) for w in words]
            return sorted(await asyncio.gather(*futs))


if __name__ == "__main__":
    print(asyncio.run(Hasher().run(["spam", "eggs", "ham"])))
