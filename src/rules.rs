//! The rules picklefix reports. Each rule's explanation is what `--explain CODE` prints.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    BoundMethod,
    Lambda,
    LocalFunction,
    MainGuardFunction,
    ProcessSubclass,
    UnpicklableArgument,
    UnknownPool,
}

pub const ALL: &[Rule] = &[
    Rule::BoundMethod,
    Rule::Lambda,
    Rule::LocalFunction,
    Rule::MainGuardFunction,
    Rule::ProcessSubclass,
    Rule::UnpicklableArgument,
    Rule::UnknownPool,
];

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::BoundMethod => "PF001",
            Rule::Lambda => "PF002",
            Rule::LocalFunction => "PF003",
            Rule::MainGuardFunction => "PF004",
            Rule::ProcessSubclass => "PF005",
            Rule::UnpicklableArgument => "PF006",
            Rule::UnknownPool => "PF100",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::BoundMethod => "bound-method-to-process-pool",
            Rule::Lambda => "lambda-to-process-pool",
            Rule::LocalFunction => "local-function-to-process-pool",
            Rule::MainGuardFunction => "main-guard-function-to-process-pool",
            Rule::ProcessSubclass => "unpicklable-process-subclass",
            Rule::UnpicklableArgument => "unpicklable-argument-to-process-pool",
            Rule::UnknownPool => "unknown-pool-receiver",
        }
    }

    /// Info rules are off unless selected.
    pub fn default_enabled(self) -> bool {
        self != Rule::UnknownPool
    }

    pub fn from_code(code: &str) -> Option<Rule> {
        ALL.iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(code.trim()))
    }

    pub fn explanation(self) -> &'static str {
        match self {
            Rule::BoundMethod => PF001,
            Rule::Lambda => PF002,
            Rule::LocalFunction => PF003,
            Rule::MainGuardFunction => PF004,
            Rule::ProcessSubclass => PF005,
            Rule::UnpicklableArgument => PF006,
            Rule::UnknownPool => PF100,
        }
    }
}

const PF001: &str = "\
# PF001 bound-method-to-process-pool

## What it does
Finds bound methods (`self.method`, `obj.method`, also inside `functools.partial(...)`)
handed to a process pool: `ProcessPoolExecutor.submit/map`, `multiprocessing.Pool.map/
imap/apply_async/...`, `Pool(initializer=...)`, `Process(target=...)`,
`loop.run_in_executor(process_pool, ...)`.

## Why is this bad?
A bound method pickles as `getattr(instance, \"method\")`: the whole instance travels to
the worker with every task. That fails when the instance holds a lock, a pool, a socket
or a connection (`TypeError: cannot pickle '_thread.lock' object`), and is slow when it
holds big data. `initializer=` and `Process(target=)` are pickled only under the spawn and
forkserver start methods, and Python 3.14 made forkserver the default on Linux: code that
worked under fork breaks there.

## Fix
When the method never uses `self` (also through the `self.helpers` it calls), picklefix
moves it to a private module-level function placed before the class, reroutes the pool's
argument and the calls `self.m(...)`, and keeps the method as a one-line wrapper (with its
docstring) wherever anything else may still need it.

Unsafe (`--unsafe-fixes`): a method that only reads read-only state — attributes assigned
in `__init__` of the class or of a base class in the project, never reassigned by the
class, its bases or subclasses, and not holding a lock, pool, socket, file or connection —
becomes a function taking them as keyword-only parameters (named so they shadow nothing
the body uses; positional-only beside `**kwargs`), and the pool gets
`functools.partial(_m, factor=self.factor)`: the values are read at the call. Its own
`self.m(...)` calls pass them on. Refused when the body prints `{self.attr=}`.

The fix is *allowed*, not merely not denied: the whole project is analysed (the git work
tree, else the folder with pyproject.toml/setup.py/setup.cfg, whatever paths were named), and
the hoist happens only when all of these hold; otherwise the finding names the file:line
that stopped it.
- Every occurrence of each moved name in the project is accounted for: the `def`, a call or
  the pool argument that is rerouted, or a load, string or other use that keeps the wrapper.
  A store or `del` of `.m`, `setattr`/`delattr` naming it, a class-body alias or rebinding,
  a computed `getattr(self, ...)`, `vars(self)`, `self.__dict__`, `setattr(Class, ...)`,
  `patch.object(Class, ...)`, `copyreg.pickle(Class, ...)`, `type(\"X\", (Class,), ...)`, a
  string `\"pkg.Class.m\"` (mock.patch) or `Class.k(other, ...)` refuses the fix. So does a
  string that is exactly the name, or a keyword argument `m=`, in a project that writes
  attributes by computed name (`setattr`, `__setattr__`, `__dict__`, `vars`): it may become
  an instance attribute that shadows the method.
- Every project class that derives from the class (bases resolved through imports,
  re-exports, aliases and star imports; C3 MRO) still finds the class's own `m` and helpers:
  no override, no class or unseen library class ahead of it in the MRO.
- The class and its project bases have no metaclass or class keyword, no
  `__init_subclass__`, `__getattribute__`, `__reduce__`, `__reduce_ex__`, `__getstate__` or
  `__setstate__`, are not a Protocol, and carry only known class decorators (dataclass,
  total_ordering, ...) or module functions that return the class untouched.
- The body reaches nothing of the instance: no `self` beyond stateless helpers, no
  `super`, `__class__`, `locals()`, `vars()`, `eval`, `exec` or frames; a classmethod
  helper counts as using the class.
- The method is removed only when it is private and its name occurs nowhere else in the
  project, and no base outside the project could call it.
- The new name is private, collides with nothing, is not collected by pytest and is not a
  name another module imports from this module.

## Example
    class PageProcess:
        def __init__(self):
            self.lock = threading.Lock()
        def single_process(self, page):
            return len(page.strip())
        def run(self, pages):
            with ProcessPoolExecutor() as pool:
                return list(pool.map(self.single_process, pages))

## Use instead
    def _single_process(page):
        return len(page.strip())

    class PageProcess:
        ...
        def single_process(self, page):
            return _single_process(page)
        def run(self, pages):
            with ProcessPoolExecutor() as pool:
                return list(pool.map(_single_process, pages))
";

const PF002: &str = "\
# PF002 lambda-to-process-pool

## What it does
Finds a `lambda` handed to a process pool (task, initializer or Process target).

## Why is this bad?
Lambdas pickle by name and have none: `PicklingError: Can't pickle <function <lambda>>:
attribute lookup <lambda> failed`.

## Fix
A lambda that closes over nothing becomes a module-level `def` (safe). One that captures
names of its function (or read-only `self.attr` state) becomes a module-level `def` taking
them as parameters, and the lambda `functools.partial(def, y=y)` at the call.

Unsafe (`--unsafe-fixes`): the captured values are bound at the pool call with
`functools.partial` (keyword-only parameters; positional-only ones beside `**kwargs`, so
no keyword a caller passes can reach them). The value is then read at the call, not
inside the worker. The fix is refused when a captured name may be unbound there, when a
captured value cannot be pickled (a local function, a lock, a pool, a file, a socket),
and, for `Process(target=...)`, when a captured name may be reassigned between
`Process(...)` and `start()` (a forked child reads the values at `start()`).

No fix when the lambda reads a module name whose value a spawned worker would not share:
one bound only under `if __name__ == \"__main__\":`, assigned through `global` in a
function, assigned by another project file (`tasks.FACTOR = 3`, or by name through a string
key such as `vars(tasks)[\"FACTOR\"] = 3`), or never
bound by the module at all. The worker imports the module afresh and would read the
import-time value, or raise NameError.
";

const PF003: &str = "\
# PF003 local-function-to-process-pool

## What it does
Finds a function defined inside another function (or a method of a class defined inside a
function) handed to a process pool.

## Why is this bad?
Such functions have a `<locals>` qualified name that the worker cannot import:
`AttributeError: Can't pickle local object 'main.<locals>.work'`.

## Fix
A function that closes over nothing moves to module level (safe; self-calls are renamed).
One that captures moves with the captures as parameters: local names, read-only
`self.attr` state of the enclosing method (the values are bound, never `self`) and
defaults that name locals (`def server(conn, listener=listener)`: the default moves into
the partial). Every reference in the function is rewritten: calls `job(x)` become
`_job(x, k=k)`, the pool's argument `functools.partial(_job, k=k)`.

Unsafe (`--unsafe-fixes`): the captured values are bound at the pool call with
`functools.partial` (keyword-only parameters; positional-only ones beside `**kwargs`, so
no keyword a caller passes can reach them). The value is then read at the call, not
inside the worker. The fix is refused when a captured name may be unbound there, when a
captured value cannot be pickled (a local function, a lock, a pool, a file, a socket),
and, for `Process(target=...)`, when a captured name may be reassigned between
`Process(...)` and `start()` (a forked child reads the values at `start()`).

## Example
    def run(xs):
        def job(x):
            return x * k
        k = len(xs)
        return pool.map(job, xs)

## Use instead
    def _job(x, *, k):
        return x * k

    def run(xs):
        k = len(xs)
        return pool.map(functools.partial(_job, k=k), xs)
";

const PF004: &str = "\
# PF004 main-guard-function-to-process-pool

## What it does
Finds a function defined under `if __name__ == \"__main__\":` and handed to a process pool.

## Why is this bad?
Under the spawn and forkserver start methods (the default on macOS, Windows, and on Linux
since Python 3.14) the worker imports the main module under another name, so the guard
body never runs there and the function does not exist: the worker fails with
`AttributeError: Can't get attribute 'work' on <module '__mp_main__'>`.

## Fix
Define the function above the guard, at module level.
";

const PF005: &str = "\
# PF005 unpicklable-process-subclass

## What it does
Finds subclasses of `multiprocessing.Process` (also of `ctx.Process` for a
`get_context(...)` context) whose instances hold a value that cannot be pickled: an
attribute assigned in `__init__` of the class or of a project base, whose value comes from
a constructor in the table below (resolved through imports), a lambda, a local function or
a generator. Report only: there is no automatic fix.

## Why is this bad?
Under the spawn and forkserver start methods (the default on macOS, Windows, and on Linux
since Python 3.14) `start()` pickles the whole `Process` object, attributes included, to
send it to the new process. It fails there with, for example, `TypeError: cannot pickle
'select.epoll' object`, even though it worked under fork. multiprocessing's own locks,
queues and shared values pickle at that moment and are fine. When the file pins the fork
start method, nothing is pickled: the finding is PF100 (info) instead. A class that defines
`__getstate__`, `__reduce__` or `__reduce_ex__` decides what pickles and is not reported.

## Values that cannot be pickled (CPython 3.11)
- `threading.Lock`, `Event`, `Semaphore`, `BoundedSemaphore`, `Barrier`, `Thread`, `Timer`,
  `queue.Queue` (`LifoQueue`, `PriorityQueue`), `subprocess.Popen`,
  `concurrent.futures.ProcessPoolExecutor`: `TypeError: cannot pickle '_thread.lock' object`
- `threading.RLock`, `threading.Condition`, `logging.FileHandler`/`StreamHandler`:
  `'_thread.RLock'`; `threading.local`: `'_thread._local'`
- `queue.SimpleQueue`, `concurrent.futures.ThreadPoolExecutor`: `'_queue.SimpleQueue'`
- `select.epoll`, `selectors.DefaultSelector`/`EpollSelector` (Linux): `'select.epoll'`;
  `select.poll`, `selectors.PollSelector`: `'select.poll'`
- `open()`/`io.open()` with a literal mode, `io.FileIO`, `tempfile.TemporaryFile`/
  `NamedTemporaryFile`: `'_io.TextIOWrapper'`, `'_io.BufferedReader'`,
  `'_io.BufferedWriter'`, `'_io.BufferedRandom'` or `'_io.FileIO'`
- `sqlite3.connect`: `'sqlite3.Connection'`
- `multiprocessing.Pool`, `pool.ThreadPool`, `dummy.Pool`, `ctx.Pool`: `NotImplementedError:
  pool objects cannot be passed between processes or pickled`
- generators (a generator expression, a call of a generator function of the module):
  `'generator'`
- lambdas and local functions: `AttributeError: Can't pickle local object
  'C.__init__.<locals>.<lambda>'`
- outside process start-up only: multiprocessing's `Queue`, `SimpleQueue`,
  `JoinableQueue`, `Lock`, `RLock`, `Semaphore`, `BoundedSemaphore`, `Condition`, `Event`,
  `Barrier`, `Value`, `Array`: `RuntimeError: Lock objects should only be shared between
  processes through inheritance`
Not listed because multiprocessing pickles them: sockets and `Pipe()` connections (their
file descriptors are duplicated), `io.StringIO`/`BytesIO`, manager proxies.

## Example
    class Server(multiprocessing.Process):
        def __init__(self):
            super().__init__()
            self.poller = select.epoll()

## Use instead
    class Server(multiprocessing.Process):
        def run(self):
            self.poller = select.epoll()   # made in the child
";

const PF006: &str = "\
# PF006 unpicklable-argument-to-process-pool

## What it does
Finds values handed to a process pool as data that cannot be pickled (the table of PF005:
locks, queues, files, selectors, connections, executors and pools, generators, lambdas and
local functions): `args=`/`kwargs=` of `Process`, `initargs=` of `Pool` and
`ProcessPoolExecutor`, the extra arguments of `submit` and `run_in_executor`, `args`/`kwds`
of `apply`/`apply_async`, and the items of the iterables of `map`, `imap`,
`imap_unordered`, `map_async`, `starmap` and `starmap_async` (a list, tuple or set
display, or a comprehension). A name is followed to the value it is bound to. Report only.
Thread pools are never reported.

## Why is this bad?
Every task's arguments are pickled under every start method; `Process` arguments and
`initargs` are pickled under spawn and forkserver (the Linux default since Python 3.14).
multiprocessing's own `Lock`, `Queue`, `Value`… pickle only while a process is started:
passing one to `Process(args=…)` or `initargs=` is fine, passing it to `submit` or `map`
fails with `RuntimeError: Lock objects should only be shared between processes through
inheritance`. When the file pins fork, `Process` arguments and `initargs` are not pickled:
the finding is PF100 (info) instead.

## Example
    lock = threading.Lock()
    pool.apply_async(work, (item, lock))

## Use instead
    manager = multiprocessing.Manager()
    lock = manager.Lock()
    pool.apply_async(work, (item, lock))
";

const PF100: &str = "\
# PF100 unknown-pool-receiver (info, off unless selected)

## What it does
Reports a callable that would be a problem (bound method, lambda, local function) handed
to something picklefix cannot identify as a process pool or thread pool (an executor
injected from outside, an unannotated parameter), and Process targets and initializers in
files that pin the fork start method, where they are not pickled; so are the `Process`
subclasses (PF005) and the `Process` arguments and `initargs` (PF006) of such files.

## Why is this bad?
It may be fine, or it may fail the day the receiver is a process pool or the start method
changes. Annotate the receiver (`pool: ProcessPoolExecutor`) so picklefix can decide.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_explain() {
        for &r in ALL {
            assert_eq!(Rule::from_code(r.code()), Some(r));
            assert!(r.explanation().contains(r.code()));
        }
        assert_eq!(Rule::from_code("pf001"), Some(Rule::BoundMethod));
        assert_eq!(Rule::from_code("PF999"), None);
    }
}
