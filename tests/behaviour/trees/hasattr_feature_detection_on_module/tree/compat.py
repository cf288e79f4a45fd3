import workers

if hasattr(workers, "parse"):
    parse = workers.parse
else:
    def parse(s):
        return f"legacy {s}"
