import importlib
import multiprocessing
import pathlib


def collect_and_run():
    # pytest's default collection: files test_*.py, module-level callables named test*
    results = []
    for path in sorted(pathlib.Path("tests").glob("test_*.py")):
        mod = importlib.import_module(f"tests.{path.stem}")
        for name, obj in sorted(vars(mod).items()):
            if name.startswith("test") and callable(obj) and not isinstance(obj, type):
                try:
                    obj()
                    results.append(f"{path.name}::{name} PASSED")
                except Exception as e:
                    results.append(f"{path.name}::{name} FAILED ({type(e).__name__})")
    return results


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    for line in collect_and_run():
        print(line)
