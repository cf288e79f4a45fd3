import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor


class Counter:
	"""Counts vowels; indented with tabs, CRLF line endings."""

	def __init__(self):
		self.lock = threading.Lock()

	def count(self, text):
		# count the vowels
		n = 0
		for ch in text:
			if ch in "aeiou":
				n += 1
		return text, n

	def run(self, texts):
		with ProcessPoolExecutor(2) as ex:
			return sorted(ex.map(self.count, texts))


if __name__ == "__main__":
	multiprocessing.set_start_method("spawn")
	print(Counter().run(["banana", "sky", "queue"]))
