//! The rules picklefix reports. Each rule's explanation is what `--explain CODE` prints.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    BoundMethod,
    Lambda,
    LocalFunction,
    MainGuardFunction,
    UnknownPool,
}

pub const ALL: &[Rule] = &[
    Rule::BoundMethod,
    Rule::Lambda,
    Rule::LocalFunction,
    Rule::MainGuardFunction,
    Rule::UnknownPool,
];

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::BoundMethod => "PF001",
            Rule::Lambda => "PF002",
            Rule::LocalFunction => "PF003",
            Rule::MainGuardFunction => "PF004",
            Rule::UnknownPool => "PF100",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::BoundMethod => "bound-method-to-process-pool",
            Rule::Lambda => "lambda-to-process-pool",
            Rule::LocalFunction => "local-function-to-process-pool",
            Rule::MainGuardFunction => "main-guard-function-to-process-pool",
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
  string `\"pkg.Class.m\"` (mock.patch) or `Class.k(other, ...)` refuses the fix.
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

const PF100: &str = "\
# PF100 unknown-pool-receiver (info, off unless selected)

## What it does
Reports a callable that would be a problem (bound method, lambda, local function) handed
to something picklefix cannot identify as a process pool or thread pool (an executor
injected from outside, an unannotated parameter), and Process targets and initializers in
files that pin the fork start method, where they are not pickled.

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
