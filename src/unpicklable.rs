//! Values that cannot be pickled, and the exception Python raises when a pool tries.
//!
//! A value is recognised by the constructor that made it, resolved through the module's
//! imports (`from threading import Lock as L; L()` is `threading.Lock`), or by its syntax
//! (a lambda, a generator expression, a function defined inside a function). Every
//! exception text below was produced by CPython 3.11 on Linux, pickling through
//! multiprocessing (`Pool.apply`, `ProcessPoolExecutor.submit`, `Process.start` under spawn
//! and forkserver); the behaviour tests (tests/unpicklable.rs) run each again.
//!
//! Left out on purpose, because multiprocessing pickles them: sockets and pipe connections
//! (its pickler duplicates the file descriptor), `io.StringIO`/`io.BytesIO`,
//! `selectors.SelectSelector`, manager proxies, `asyncio.Lock`, loggers.

use tree_sitter::Node;

use crate::parse::{call_args, strip_parens};
use crate::resolve::{Binding, BindingValue, Module, ScopeId, ScopeKind};

/// A value known not to pickle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unpicklable {
    /// What makes it: `threading.Lock()`, `a lambda`, `a generator`…
    pub what: String,
    /// The exception, as Python prints it (`…` stands for an address).
    pub exception: String,
    /// multiprocessing's own locks, queues and shared values pickle while a process is being
    /// started (`Process(args=…)`, a `Process` subclass, a pool's `initargs`), and nowhere else.
    pub ok_while_spawning: bool,
}

/// Constructor → exception. `_thread.lock` and friends are the objects Python names.
const TABLE: &[(&str, &str)] = &[
    (
        "threading.Lock",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "threading.RLock",
        "TypeError: cannot pickle '_thread.RLock' object",
    ),
    (
        "threading.Condition",
        "TypeError: cannot pickle '_thread.RLock' object",
    ),
    (
        "threading.Event",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "threading.Semaphore",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "threading.BoundedSemaphore",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "threading.Barrier",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "threading.Thread",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "threading.Timer",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "threading.local",
        "TypeError: cannot pickle '_thread._local' object",
    ),
    (
        "_thread.allocate_lock",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "queue.Queue",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "queue.LifoQueue",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "queue.PriorityQueue",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "queue.SimpleQueue",
        "TypeError: cannot pickle '_queue.SimpleQueue' object",
    ),
    (
        "select.epoll",
        "TypeError: cannot pickle 'select.epoll' object",
    ),
    (
        "select.poll",
        "TypeError: cannot pickle 'select.poll' object",
    ),
    // DefaultSelector is epoll on Linux (kqueue on macOS and BSD).
    (
        "selectors.DefaultSelector",
        "TypeError: cannot pickle 'select.epoll' object",
    ),
    (
        "selectors.EpollSelector",
        "TypeError: cannot pickle 'select.epoll' object",
    ),
    (
        "selectors.PollSelector",
        "TypeError: cannot pickle 'select.poll' object",
    ),
    ("io.FileIO", "TypeError: cannot pickle '_io.FileIO' object"),
    (
        "sqlite3.connect",
        "TypeError: cannot pickle 'sqlite3.Connection' object",
    ),
    (
        "sqlite3.Connection",
        "TypeError: cannot pickle 'sqlite3.Connection' object",
    ),
    (
        "concurrent.futures.ThreadPoolExecutor",
        "TypeError: cannot pickle '_queue.SimpleQueue' object",
    ),
    (
        "concurrent.futures.thread.ThreadPoolExecutor",
        "TypeError: cannot pickle '_queue.SimpleQueue' object",
    ),
    (
        "concurrent.futures.ProcessPoolExecutor",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "concurrent.futures.process.ProcessPoolExecutor",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    ("multiprocessing.Pool", POOL),
    ("multiprocessing.pool.Pool", POOL),
    ("multiprocessing.pool.ThreadPool", POOL),
    ("multiprocessing.dummy.Pool", POOL),
    (
        "subprocess.Popen",
        "TypeError: cannot pickle '_thread.lock' object",
    ),
    (
        "logging.FileHandler",
        "TypeError: cannot pickle '_thread.RLock' object",
    ),
    (
        "logging.StreamHandler",
        "TypeError: cannot pickle '_thread.RLock' object",
    ),
];

const POOL: &str =
    "NotImplementedError: pool objects cannot be passed between processes or pickled";

/// multiprocessing's synchronisation objects and queues: `(constructor, the class Python
/// names)`. `Event` is built on a `Condition`, and says so.
const SPAWN_ONLY: &[(&str, &str)] = &[
    ("Queue", "Queue"),
    ("SimpleQueue", "SimpleQueue"),
    ("JoinableQueue", "JoinableQueue"),
    ("Lock", "Lock"),
    ("RLock", "RLock"),
    ("Semaphore", "Semaphore"),
    ("BoundedSemaphore", "BoundedSemaphore"),
    ("Condition", "Condition"),
    ("Event", "Condition"),
    ("Barrier", "Condition"),
    ("Value", "Synchronized"),
    ("Array", "SynchronizedArray"),
];

/// What `value` evaluates to, when it is known not to pickle. Names are followed to the
/// value they are bound to (a few levels).
pub fn unpicklable(module: &Module, value: Node, scope: ScopeId) -> Option<Unpicklable> {
    classify(module, value, scope, 0)
}

fn classify(module: &Module, value: Node, scope: ScopeId, depth: u8) -> Option<Unpicklable> {
    if depth > 4 {
        return None;
    }
    let value = strip_parens(value);
    match value.kind() {
        "call" => constructed(module, value, scope),
        "generator_expression" => Some(generator("a generator expression".to_string())),
        "lambda" => Some(local_object(module, value, "<lambda>", "a lambda")),
        "identifier" => {
            let name = module.text(value);
            let (s, binding) = module.lookup(scope, name, value.start_byte())?;
            if bound_more_than_once(module, s, name) {
                return None;
            }
            match &binding.value {
                BindingValue::Value(v) => classify(module, *v, s, depth + 1),
                BindingValue::Function(def) if module.is_inside_function(s) => Some(local_object(
                    module,
                    *def,
                    name,
                    &format!("the local function `{name}`"),
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A name assigned in several places may hold something else by the time it is pickled.
fn bound_more_than_once(module: &Module, scope: ScopeId, name: &str) -> bool {
    module.scopes[scope].bindings_named(name).count() > 1
}

fn constructed(module: &Module, call: Node, scope: ScopeId) -> Option<Unpicklable> {
    let callee = call.child_by_field_name("function")?;
    let what = format!("{}()", module.text(callee));
    let Some(q) = module.qualname(callee, scope) else {
        // A function or method of this module.
        return generator_call(module, callee, scope).map(|name| Unpicklable {
            what,
            ..generator(name)
        });
    };
    let found = |exception: &str| Unpicklable {
        what: what.clone(),
        exception: exception.to_string(),
        ok_while_spawning: false,
    };
    if let Some((_, e)) = TABLE.iter().find(|(c, _)| *c == q) {
        return Some(found(e));
    }
    if q == "open" || q == "io.open" {
        return file_object(module, call, "r").map(|t| found(&t));
    }
    if q == "tempfile.TemporaryFile" || q == "tempfile.NamedTemporaryFile" {
        return file_object(module, call, "w+b").map(|t| found(&t));
    }
    // `multiprocessing.Queue()`, `mp.get_context("spawn").Lock()`, `ctx.Queue()`.
    let (receiver, last) = match q.rsplit_once('.') {
        Some((r, l)) => (r, l),
        None => return None,
    };
    let from_multiprocessing = receiver == "multiprocessing"
        || receiver == "multiprocessing.synchronize"
        || receiver == "multiprocessing.queues"
        || is_context(module, callee, scope);
    if from_multiprocessing {
        if let Some((_, class)) = SPAWN_ONLY.iter().find(|(c, _)| *c == last) {
            return Some(Unpicklable {
                what,
                exception: format!(
                    "RuntimeError: {class} objects should only be shared between processes through inheritance"
                ),
                ok_while_spawning: true,
            });
        }
        if last == "Pool" && is_context(module, callee, scope) {
            return Some(found(POOL));
        }
    }
    generator_call(module, callee, scope).map(|name| Unpicklable {
        what,
        ..generator(name)
    })
}

/// `ctx.X` where `ctx` is a `multiprocessing.get_context(...)` result.
fn is_context(module: &Module, callee: Node, scope: ScopeId) -> bool {
    callee.kind() == "attribute"
        && callee.child_by_field_name("object").is_some_and(|o| {
            matches!(
                module.pool_kind(o, scope, 0),
                crate::resolve::PoolKind::Context(_)
            )
        })
}

/// `open(path, mode)` with a literal mode (or none): the `_io` class that mode makes.
fn file_object(module: &Module, call: Node, default_mode: &str) -> Option<String> {
    let args = call_args(call, module.src);
    if args.get(Some(2), "buffering").is_some() || args.has_splat {
        return None;
    }
    let mode = match args.get(Some(1), "mode") {
        Some(m) => crate::parse::string_value(m, module.src)?.to_string(),
        None => default_mode.to_string(),
    };
    let class = if !mode.contains('b') {
        "_io.TextIOWrapper"
    } else if mode.contains('+') {
        "_io.BufferedRandom"
    } else if mode.contains('r') {
        "_io.BufferedReader"
    } else {
        "_io.BufferedWriter"
    };
    Some(format!("TypeError: cannot pickle '{class}' object"))
}

fn generator(what: String) -> Unpicklable {
    Unpicklable {
        what,
        exception: "TypeError: cannot pickle 'generator' object".to_string(),
        ok_while_spawning: false,
    }
}

/// A call of a generator function of this module (`gen()`, `self.gen()`): its name.
fn generator_call(module: &Module, callee: Node, scope: ScopeId) -> Option<String> {
    let def = match callee.kind() {
        "identifier" => match module.lookup(scope, module.text(callee), callee.start_byte()) {
            Some((
                _,
                Binding {
                    value: BindingValue::Function(def),
                    ..
                },
            )) => *def,
            _ => return None,
        },
        "attribute" => {
            let obj = callee.child_by_field_name("object")?;
            let attr = module.text(callee.child_by_field_name("attribute")?);
            let (class, self_name) = module.method_context(scope)?;
            if module.text(obj) != self_name {
                return None;
            }
            let c = &module.classes[class];
            let mut defs = c.methods_named(attr);
            let m = defs.next()?;
            if defs.next().is_some() || !m.is_instance_method() {
                return None;
            }
            m.def
        }
        _ => return None,
    };
    let is_async = def.child(0).is_some_and(|c| c.kind() == "async");
    (!is_async && yields(def)).then(|| format!("the generator `{}()`", module.text(callee)))
}

/// The function's own body yields (not a nested function's or lambda's).
fn yields(def: Node) -> bool {
    let Some(body) = def.child_by_field_name("body") else {
        return false;
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "yield" => return true,
            "function_definition" | "lambda" | "class_definition" => continue,
            _ => {}
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    false
}

/// A function defined inside a function or a lambda: pickled by a qualified name the worker
/// cannot look up.
fn local_object(module: &Module, node: Node, name: &str, what: &str) -> Unpicklable {
    let exception = match enclosing_qualname(module, node) {
        Some(outer) => format!("AttributeError: Can't pickle local object '{outer}.<locals>.{name}'"),
        // A module-level lambda: looked up by the name `<lambda>`, which no module has.
        None => "_pickle.PicklingError: Can't pickle <function <lambda> at 0x…>: attribute lookup <lambda> on … failed".to_string(),
    };
    Unpicklable {
        what: what.to_string(),
        exception,
        ok_while_spawning: false,
    }
}

/// `__qualname__` of the function or lambda that encloses `node` (`C.__init__`), if any.
fn enclosing_qualname(module: &Module, node: Node) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind() {
            "function_definition" => {
                let name = n.child_by_field_name("name").map_or("", |x| module.text(x));
                parts.push(format!("{name}.<locals>"));
            }
            "lambda" => parts.push("<lambda>.<locals>".to_string()),
            "class_definition" => {
                let name = n.child_by_field_name("name").map_or("", |x| module.text(x));
                parts.push(name.to_string());
            }
            _ => {}
        }
        cur = n.parent();
    }
    if parts.is_empty() || !parts.iter().any(|p| p.ends_with(".<locals>")) {
        return None;
    }
    parts.reverse();
    let joined = parts.join(".");
    Some(
        joined
            .strip_suffix(".<locals>")
            .unwrap_or(&joined)
            .to_string(),
    )
}

/// Is `scope` a function (or lambda) scope? Used by callers that find values in classes.
pub fn is_function_scope(module: &Module, scope: ScopeId) -> bool {
    matches!(
        module.scopes[scope].kind,
        ScopeKind::Function | ScopeKind::Lambda
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn first_value(src: &str, name: &str) -> Option<Unpicklable> {
        let tree = parse(src).unwrap();
        let module = Module::build(tree.root_node(), src);
        let (node, scope) = module
            .identifiers
            .iter()
            .rev()
            .find(|(n, _)| module.text(*n) == name)
            .copied()
            .unwrap();
        unpicklable(&module, node, scope)
    }

    #[test]
    fn constructors_resolve_through_imports() {
        let src = "from threading import Lock as L\nx = L()\nx\n";
        let u = first_value(src, "x").unwrap();
        assert_eq!(
            u.exception,
            "TypeError: cannot pickle '_thread.lock' object"
        );
        let src = "import multiprocessing as mp\nq = mp.Queue()\nq\n";
        assert!(first_value(src, "q").unwrap().ok_while_spawning);
        let src = "import socket\ns = socket.socket()\ns\n";
        assert_eq!(first_value(src, "s"), None);
    }

    #[test]
    fn file_modes_name_their_class() {
        let u = first_value("f = open('a', 'rb')\nf\n", "f").unwrap();
        assert!(u.exception.contains("_io.BufferedReader"));
        assert!(first_value("f = open('a', mode)\nf\n", "f").is_none());
    }

    #[test]
    fn local_objects_carry_their_qualified_name() {
        let src = "class C:\n    def __init__(self):\n        def inner():\n            pass\n        x = inner\n        x\n";
        let u = first_value(src, "x").unwrap();
        assert_eq!(
            u.exception,
            "AttributeError: Can't pickle local object 'C.__init__.<locals>.inner'"
        );
        let src = "def f():\n    g = lambda: 1\n    g\n";
        assert!(first_value(src, "g")
            .unwrap()
            .exception
            .ends_with("'f.<locals>.<lambda>'"));
    }

    #[test]
    fn generators_of_this_module() {
        let src = "def gen():\n    yield 1\nx = gen()\nx\n";
        assert!(first_value(src, "x")
            .unwrap()
            .exception
            .contains("generator"));
        let src = "def f():\n    return 1\nx = f()\nx\n";
        assert!(first_value(src, "x").is_none());
    }
}
