//! Call sites of process pools and the callable each one pickles.
//!
//! The matcher only says *where* a callable is handed to a pool and *what kind of pool*
//! it is; whether the callable is a problem is the judge's business.

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
