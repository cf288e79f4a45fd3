"""Start-method shim for picklefix's behaviour tests (tests/behaviour.rs).

The harness puts this folder on PYTHONPATH, so Python imports this file at start-up, in the
program's main process and in every process it starts (they inherit the environment): pool
workers, the forkserver server, and its forked children.

Environment:

* PICKLEFIX_START_METHOD=METHOD (spawn, forkserver or fork): a request for the "spawn" start
  method gives METHOD instead -- through multiprocessing.set_start_method,
  multiprocessing.get_context, BaseContext.get_context on any context, and so
  ProcessPoolExecutor(mp_context=get_context("spawn")) -- and the default start method (what a
  program that never picks one gets) becomes METHOD.
  Requests for any other method ("fork", "forkserver") are left alone. Unset: no patching.
* PICKLEFIX_START_LOG=PATH: the program's main process appends "shim <METHOD or none> <pid>" to
  PATH when it loads this file (so the harness knows the shim took effect there), and every
  multiprocessing process started from any process running this shim appends
  "start <method> <pid of the starter> <process class>", where <method> is the start method that
  really created it (the Popen class's `method`); a start that raises appends
  "start <intended method> <pid> <process class> FAILED <exception type>" instead. The harness
  reads it to check that no process escaped the start method under test.

A sitecustomize that this file shadows (one later on sys.path) is run afterwards.
"""

import os


def _install(target):
    from multiprocessing import context

    if target not in context._concrete_contexts:
        raise ValueError(f"PICKLEFIX_START_METHOD={target!r}: no such start method here")

    base_get_context = context.BaseContext.get_context

    def get_context(self, method=None):
        if method == "spawn":
            method = target
        return base_get_context(self, method)

    get_context.__doc__ = base_get_context.__doc__
    get_context.__wrapped__ = base_get_context
    # DefaultContext.get_context (multiprocessing.get_context) and DefaultContext.set_start_method
    # (multiprocessing.set_start_method) both end up here.
    context.BaseContext.get_context = get_context

    # The default context is still undecided at start-up (_actual_context is None), so this only
    # changes what it settles on; set_start_method keeps working as usual.
    default = context._default_context
    if default._actual_context is None:
        default._default_context = context._concrete_contexts[target]


def _append(path, line):
    # one short write on an O_APPEND descriptor: lines from parallel writers do not interleave
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _install_log(path, target):
    from multiprocessing import context, process

    # Only the first process that loads the shim logs "shim": its children inherit the marker.
    if not os.environ.get("PICKLEFIX_SHIM_PID"):
        os.environ["PICKLEFIX_SHIM_PID"] = str(os.getpid())
        _append(path, f"shim {target or 'none'} {os.getpid()}\n")

    base_start = process.BaseProcess.start

    def start(self):
        kind = f"{type(self).__module__}.{type(self).__qualname__}"
        try:
            base_start(self)
        except BaseException as exc:
            method = getattr(type(self), "_start_method", None)
            if method is None:
                method = context._default_context.get_start_method(allow_none=True) or "unset"
            _append(path, f"start {method} {os.getpid()} {kind} FAILED {type(exc).__name__}\n")
            raise
        method = getattr(self._popen, "method", None) or type(self._popen).__qualname__
        _append(path, f"start {method} {os.getpid()} {kind}\n")

    start.__doc__ = base_start.__doc__
    start.__wrapped__ = base_start
    process.BaseProcess.start = start


def _run_shadowed_sitecustomize():
    import importlib.machinery
    import importlib.util
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


_TARGET = os.environ.get("PICKLEFIX_START_METHOD")
if _TARGET:
    _install(_TARGET)
if os.environ.get("PICKLEFIX_START_LOG"):
    _install_log(os.environ["PICKLEFIX_START_LOG"], _TARGET)
_run_shadowed_sitecustomize()
