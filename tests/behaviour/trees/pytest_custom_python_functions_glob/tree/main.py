import fnmatch
import importlib
import multiprocessing
import pathlib
import tomllib


def _matches(name, patterns):
    # pytest: a pattern with glob characters is matched with fnmatch, otherwise as a prefix
    return any(fnmatch.fnmatch(name, p) if any(c in p for c in "*?[") else name.startswith(p) for p in patterns)


def collect_and_run():
    opts = tomllib.loads(pathlib.Path("pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    results = []
    for path in sorted(pathlib.Path("checks").rglob("*.py")):
        if not _matches(path.name, opts["python_files"]):
            continue
        mod = importlib.import_module(".".join(path.with_suffix("").parts))
        for name, obj in sorted(vars(mod).items()):
            if callable(obj) and not isinstance(obj, type) and _matches(name, opts["python_functions"]):
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
