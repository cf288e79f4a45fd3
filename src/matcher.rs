//! Call sites of process pools and the callable each one pickles.
//!
//! The matcher only says *where* a callable is handed to a pool and *what kind of pool*
//! it is; whether the callable is a problem is the judge's business.

use std::collections::HashSet;
use tree_sitter::Node;

use crate::parse::{call_args, strip_parens};
use crate::resolve::{Module, PoolKind, ScopeId, StartMethod};

/// How the pool receives the callable; decides whether it is pickled under fork.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// `submit`/`map`/`apply_async`…: pickled under every start method.
    Task,
    /// `initializer=` and `Process(target=)`: pickled only under spawn/forkserver.
    StartUp,
}

#[derive(Debug, Clone)]
pub struct Site<'t> {
    /// The whole call expression.
    pub call: Node<'t>,
    /// The argument expression handed to the pool.
    pub callable: Node<'t>,
    pub scope: ScopeId,
    /// `ProcessPoolExecutor.map`, `Pool.initializer`, `Process.target`…
    pub api: String,
    pub channel: Channel,
    pub start: StartMethod,
    /// The receiver is of unknown kind (only reported as PF100).
    pub unknown_receiver: bool,
}

const EXECUTOR_METHODS: &[&str] = &["submit", "map"];
const POOL_METHODS: &[&str] = &[
    "apply",
    "apply_async",
    "map",
    "map_async",
    "imap",
    "imap_unordered",
    "starmap",
    "starmap_async",
];

/// Identifiers a file must contain (as whole words) for any site to match: every pool the
/// matcher knows is reached through one of these names. The prefilter relies on this.
pub const POOL_WORDS: &[&str] = &["ProcessPoolExecutor", "Pool", "Process", "run_in_executor"];
/// With PF100 selected, a receiver of unknown kind is reported when its text contains one
/// of these (`self.pool`, `thread_executor`, `MyPool()`).
pub const POOL_LIKE_WORDS: &[&str] = &["Pool", "Executor", "Process", "pool", "executor"];

fn looks_like_pool(receiver: &str) -> bool {
    POOL_LIKE_WORDS.iter().any(|w| receiver.contains(w))
}

pub fn find_sites<'t>(module: &Module<'t>) -> Vec<Site<'t>> {
    let mut sites = Vec::new();
    for &(call, scope) in &module.calls {
        if let Some(site) = match_call(module, call, scope) {
            sites.push(site);
        }
    }
    sites.sort_by_key(|s| s.callable.start_byte());
    sites
}

fn match_call<'t>(module: &Module<'t>, call: Node<'t>, scope: ScopeId) -> Option<Site<'t>> {
    let callee = strip_parens(call.child_by_field_name("function")?);
    let args = call_args(call, module.src);
    let site = |callable: Node<'t>, api: String, channel, start, unknown| Site {
        call,
        callable,
        scope,
        api,
        channel,
        start,
        unknown_receiver: unknown,
    };

    // Constructors: `Pool(initializer=…)`, `ProcessPoolExecutor(…, initializer=…)`,
    // `Process(target=…)`, `ctx.Process(…)`.
    if let Some(q) = module.qualname(callee, scope) {
        let (index, param, api) = match q.as_str() {
            "multiprocessing.Pool" | "multiprocessing.pool.Pool" => {
                (1, "initializer", "Pool(initializer=…)")
            }
            "concurrent.futures.ProcessPoolExecutor"
            | "concurrent.futures.process.ProcessPoolExecutor" => {
                (2, "initializer", "ProcessPoolExecutor(initializer=…)")
            }
            "multiprocessing.Process" | "multiprocessing.context.Process" => {
                (1, "target", "Process(target=…)")
            }
            _ => (usize::MAX, "", ""),
        };
        if !param.is_empty() {
            let start = match module.pool_kind(call, scope, 0) {
                PoolKind::ProcessExecutor(s) | PoolKind::ProcessPool(s) => s,
                _ => module.default_start,
            };
            let callable = args.get(Some(index), param)?;
            return Some(site(
                callable,
                api.to_string(),
                Channel::StartUp,
                start,
                false,
            ));
        }
    }

    if callee.kind() != "attribute" {
        return None;
    }
    let receiver = callee.child_by_field_name("object")?;
    let method = module.text(callee.child_by_field_name("attribute")?);

    if method == "run_in_executor" {
        let executor = args.get(Some(0), "executor")?;
        let callable = args.get(Some(1), "func")?;
        return match module.pool_kind(executor, scope, 0) {
            PoolKind::ProcessExecutor(s) | PoolKind::ProcessPool(s) => Some(site(
                callable,
                "loop.run_in_executor".into(),
                Channel::Task,
                s,
                false,
            )),
            PoolKind::Unknown if looks_like_pool(module.text(executor)) => Some(site(
                callable,
                "loop.run_in_executor".into(),
                Channel::Task,
                StartMethod::Default,
                true,
            )),
            _ => None,
        };
    }

    // `ctx.Process(target=…)` and `ctx.Pool(…, initializer)` on a context.
    if method == "Process" || method == "Pool" {
        if let PoolKind::Context(start) = module.pool_kind(receiver, scope, 0) {
            let (index, param, api) = if method == "Process" {
                (1, "target", "Process(target=…)")
            } else {
                (1, "initializer", "Pool(initializer=…)")
            };
            let callable = args.get(Some(index), param)?;
            return Some(site(callable, api.into(), Channel::StartUp, start, false));
        }
    }

    let is_executor_method = EXECUTOR_METHODS.contains(&method);
    let is_pool_method = POOL_METHODS.contains(&method);
    if !is_executor_method && !is_pool_method {
        return None;
    }
    match module.pool_kind(receiver, scope, 0) {
        PoolKind::ProcessExecutor(s) if is_executor_method => {
            let callable = args.get(Some(0), "fn")?;
            Some(site(
                callable,
                format!("ProcessPoolExecutor.{method}"),
                Channel::Task,
                s,
                false,
            ))
        }
        PoolKind::ProcessPool(s) if is_pool_method => {
            let callable = args.get(Some(0), "func")?;
            Some(site(
                callable,
                format!("Pool.{method}"),
                Channel::Task,
                s,
                false,
            ))
        }
        PoolKind::Unknown if looks_like_pool(module.text(receiver)) => {
            let callable = args
                .get(Some(0), "func")
                .or_else(|| args.get(Some(0), "fn"))?;
            Some(site(
                callable,
                format!("{}.{method}", module.text(receiver)),
                Channel::Task,
                StartMethod::Default,
                true,
            ))
        }
        _ => None,
    }
}

/// How the values of a data argument are laid out in its expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The expression is the value (`submit(fn, value)`).
    Value,
    /// A tuple of values (`args=`, `initargs=`).
    Tuple,
    /// A dict whose values are pickled (`kwargs=`, `kwds=`).
    Dict,
    /// An iterable whose items are pickled (`map`).
    Items,
    /// An iterable of argument tuples (`starmap`).
    ItemsOfTuples,
}

/// A value handed to a process pool as data, not as the callable.
#[derive(Debug, Clone)]
pub struct ArgSite<'t> {
    pub call: Node<'t>,
    pub expr: Node<'t>,
    pub shape: Shape,
    pub scope: ScopeId,
    pub api: String,
    pub channel: Channel,
    pub start: StartMethod,
}

/// The data arguments of every process-pool call (thread pools and receivers of unknown
/// kind have none).
pub fn find_argument_sites<'t>(module: &Module<'t>) -> Vec<ArgSite<'t>> {
    let mut out = Vec::new();
    for &(call, scope) in &module.calls {
        argument_sites(module, call, scope, &mut out);
    }
    out.sort_by_key(|s| s.expr.start_byte());
    out
}

fn argument_sites<'t>(
    module: &Module<'t>,
    call: Node<'t>,
    scope: ScopeId,
    out: &mut Vec<ArgSite<'t>>,
) {
    let Some(callee) = call.child_by_field_name("function").map(strip_parens) else {
        return;
    };
    let args = call_args(call, module.src);
    let mut push = |expr: Option<Node<'t>>, shape, api: &str, channel, start| {
        if let Some(expr) = expr {
            out.push(ArgSite {
                call,
                expr,
                shape,
                scope,
                api: api.to_string(),
                channel,
                start,
            });
        }
    };
    let constructor = module.qualname(callee, scope);
    let context =
        match callee.kind() {
            "attribute" => callee.child_by_field_name("object").and_then(|o| {
                match module.pool_kind(o, scope, 0) {
                    PoolKind::Context(s) => Some(s),
                    _ => None,
                }
            }),
            _ => None,
        };
    let method = callee
        .child_by_field_name("attribute")
        .map(|a| module.text(a));
    let start_of_pool = || match module.pool_kind(call, scope, 0) {
        PoolKind::ProcessExecutor(s) | PoolKind::ProcessPool(s) => Some(s),
        _ => None,
    };
    let is = |names: &[&str]| constructor.as_deref().is_some_and(|q| names.contains(&q));
    let start_up = Channel::StartUp;
    if is(&["multiprocessing.Process", "multiprocessing.context.Process"])
        || (context.is_some() && method == Some("Process"))
    {
        let start = context.unwrap_or(module.default_start);
        let api = "Process(args=…)";
        push(
            args.get(Some(3), "args"),
            Shape::Tuple,
            api,
            start_up,
            start,
        );
        let api = "Process(kwargs=…)";
        push(
            args.get(Some(4), "kwargs"),
            Shape::Dict,
            api,
            start_up,
            start,
        );
        return;
    }
    if is(&["multiprocessing.Pool", "multiprocessing.pool.Pool"])
        || (context.is_some() && method == Some("Pool"))
    {
        if let Some(start) = start_of_pool() {
            let api = "Pool(initargs=…)";
            push(
                args.get(Some(2), "initargs"),
                Shape::Tuple,
                api,
                start_up,
                start,
            );
        }
        return;
    }
    if is(&[
        "concurrent.futures.ProcessPoolExecutor",
        "concurrent.futures.process.ProcessPoolExecutor",
    ]) {
        if let Some(start) = start_of_pool() {
            let api = "ProcessPoolExecutor(initargs=…)";
            push(
                args.get(Some(3), "initargs"),
                Shape::Tuple,
                api,
                start_up,
                start,
            );
        }
        return;
    }
    let (Some(method), Some(receiver)) = (method, callee.child_by_field_name("object")) else {
        return;
    };
    let task = Channel::Task;
    if method == "run_in_executor" {
        let Some(executor) = args.get(Some(0), "executor") else {
            return;
        };
        if let PoolKind::ProcessExecutor(s) | PoolKind::ProcessPool(s) =
            module.pool_kind(executor, scope, 0)
        {
            for &a in args.positional.iter().skip(2) {
                push(Some(a), Shape::Value, "loop.run_in_executor", task, s);
            }
        }
        return;
    }
    match module.pool_kind(receiver, scope, 0) {
        PoolKind::ProcessExecutor(s) if method == "submit" => {
            let api = "ProcessPoolExecutor.submit";
            for &a in args.positional.iter().skip(1) {
                push(Some(a), Shape::Value, api, task, s);
            }
            for (_, v) in &args.keywords {
                push(Some(*v), Shape::Value, api, task, s);
            }
        }
        PoolKind::ProcessExecutor(s) if method == "map" => {
            for &a in args.positional.iter().skip(1) {
                push(Some(a), Shape::Items, "ProcessPoolExecutor.map", task, s);
            }
        }
        PoolKind::ProcessPool(s) if POOL_METHODS.contains(&method) => {
            let api = format!("Pool.{method}");
            match method {
                "apply" | "apply_async" => {
                    push(args.get(Some(1), "args"), Shape::Tuple, &api, task, s);
                    push(args.get(Some(2), "kwds"), Shape::Dict, &api, task, s);
                }
                "starmap" | "starmap_async" => {
                    let items = args.get(Some(1), "iterable");
                    push(items, Shape::ItemsOfTuples, &api, task, s);
                }
                _ => push(args.get(Some(1), "iterable"), Shape::Items, &api, task, s),
            }
        }
        _ => {}
    }
}

/// A class of this module that derives from `multiprocessing.Process`.
#[derive(Debug, Clone)]
pub struct ProcessClass<'t> {
    pub class: crate::resolve::ClassId,
    /// The class's name, where the finding points.
    pub name: Node<'t>,
    pub start: StartMethod,
}

/// Classes whose linearisation reaches `multiprocessing.Process` (through project bases
/// anywhere, resolved by the project view), or that derive from `ctx.Process` directly.
pub fn find_process_subclasses<'t>(
    module: &Module<'t>,
    project: &crate::hierarchy::ProjectView,
) -> Vec<ProcessClass<'t>> {
    use crate::hierarchy::{ClassKey, ClassRef};
    const PROCESS: &[&str] = &[
        "multiprocessing.Process",
        "multiprocessing.context.Process",
        "multiprocessing.process.BaseProcess",
    ];
    // Header names first (the module's own classes, then the project's): the MRO below
    // parses base modules, and almost no class can reach `Process`.
    let base_names = |c: &crate::resolve::Class| -> Vec<&str> {
        c.node
            .child_by_field_name("superclasses")
            .into_iter()
            .flat_map(crate::parse::named_children)
            .filter(|b| b.kind() != "keyword_argument")
            .map(|b| {
                let t = module.text(b);
                let t = t.split('[').next().unwrap_or(t);
                t.rsplit('.').next().unwrap_or(t).trim()
            })
            .collect()
    };
    let mut local: HashSet<&str> = HashSet::new();
    loop {
        let before = local.len();
        for c in &module.classes {
            let bases = base_names(c);
            if bases.iter().any(|b| local.contains(b))
                || project.index.may_derive_from_process(bases.iter().copied())
            {
                local.insert(c.name.as_str());
            }
        }
        if local.len() == before {
            break;
        }
    }
    let mut out = Vec::new();
    for (id, c) in module.classes.iter().enumerate() {
        let Some(name) = c.node.child_by_field_name("name") else {
            continue;
        };
        if c.node.child_by_field_name("superclasses").is_none() || !local.contains(c.name.as_str())
        {
            continue;
        }
        // `class Worker(ctx.Process)`: the context says how it starts.
        let context = c
            .node
            .child_by_field_name("superclasses")
            .into_iter()
            .flat_map(crate::parse::named_children)
            .find_map(|b| {
                let obj = b.child_by_field_name("object")?;
                let attr = module.text(b.child_by_field_name("attribute")?);
                match module.pool_kind(obj, c.parent_scope, 0) {
                    PoolKind::Context(s) if attr == "Process" => Some(s),
                    _ => None,
                }
            });
        if let Some(start) = context {
            out.push(ProcessClass {
                class: id,
                name,
                start,
            });
            continue;
        }
        let key = ClassKey {
            file: project.own_id,
            class: id,
        };
        let Ok(mro) = project.mro(key) else {
            continue;
        };
        let derives = mro
            .iter()
            .any(|r| matches!(r, ClassRef::External(q) if PROCESS.contains(&q.as_str())));
        if derives {
            out.push(ProcessClass {
                class: id,
                name,
                start: module.default_start,
            });
        }
    }
    out
}
