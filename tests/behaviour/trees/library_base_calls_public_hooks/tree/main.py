import json
import multiprocessing

from hooks import SetEncoder, Shout

if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(SetEncoder().encode_many([{3, 1}, {2}]))
    print(json.dumps({"s": {3, 1}}, cls=SetEncoder))
    print(Shout().format_many([("a", ""), ("b", "")]))
    print(Shout().format("{0} and {1}", "x", "y"))
