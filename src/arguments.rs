//! PF006: values handed to a process pool as data that cannot be pickled (see
//! `rules::PF006`). The matcher finds the argument expressions; this expands them into the
//! values that are pickled and asks the table (`unpicklable`) about each.

use tree_sitter::Node;

use crate::check::{Finding, Verdict};
use crate::matcher::{ArgSite, Channel, Shape};
use crate::parse::{call_args, named_children, strip_parens};
use crate::resolve::{BindingValue, Module, ScopeId, StartMethod};
use crate::rules::Rule;
use crate::unpicklable::{unpicklable, Unpicklable};

pub fn judge(module: &Module, site: &ArgSite) -> Vec<Finding> {
    let mut out = Vec::new();
    for value in values(module, site.expr, site.shape, site.scope) {
        let Some(u) = value_problem(module, value, site.scope) else {
            continue;
        };
        let spawning = site.channel == Channel::StartUp;
        if spawning && u.ok_while_spawning {
            continue;
        }
        let text = one_line(module.text(value));
        let api = &site.api;
        let what = if u.what == text {
            String::new()
        } else {
            format!(" ({})", u.what)
        };
        let exception = &u.exception;
        let (rule, message) = if spawning && site.start == StartMethod::Fork {
            (
                Rule::UnknownPool,
                format!(
                    "`{text}`{what} handed to `{api}` is not pickled under the fork start method this file pins; under spawn or forkserver pickling fails → {exception}"
                ),
            )
        } else {
            let when = if spawning {
                " under spawn and forkserver (the Linux default since Python 3.14)"
            } else {
                ""
            };
            (
                Rule::UnpicklableArgument,
                format!("`{text}`{what} handed to `{api}` cannot be pickled{when} → {exception}"),
            )
        };
        out.push(Finding {
            rule,
            message,
            range: value.byte_range(),
            fix: None,
            verdict: Verdict::Unknown,
            reason: None,
        });
    }
    out
}

/// What is pickled of `expr`, laid out as `shape`.
fn values<'t>(module: &Module<'t>, expr: Node<'t>, shape: Shape, scope: ScopeId) -> Vec<Node<'t>> {
    match shape {
        Shape::Value => vec![expr],
        Shape::Tuple => elements(module, expr, scope, &["tuple", "list"]),
        Shape::Dict => {
            let expr = follow(module, expr, scope);
            match expr.kind() {
                "dictionary" => named_children(expr)
                    .into_iter()
                    .filter(|p| p.kind() == "pair")
                    .filter_map(|p| p.child_by_field_name("value"))
                    .collect(),
                "call"
                    if expr
                        .child_by_field_name("function")
                        .is_some_and(|f| module.text(f) == "dict") =>
                {
                    call_args(expr, module.src)
                        .keywords
                        .into_iter()
                        .map(|(_, v)| v)
                        .collect()
                }
                _ => Vec::new(),
            }
        }
        Shape::Items => items(module, expr, scope),
        Shape::ItemsOfTuples => items(module, expr, scope)
            .into_iter()
            .flat_map(|t| elements(module, t, scope, &["tuple", "list"]))
            .collect(),
    }
}

/// The items of a display (`[a, b]`) or the element of a comprehension.
fn items<'t>(module: &Module<'t>, expr: Node<'t>, scope: ScopeId) -> Vec<Node<'t>> {
    let expr = follow(module, expr, scope);
    match expr.kind() {
        "list_comprehension" | "set_comprehension" | "generator_expression" => {
            expr.child_by_field_name("body").into_iter().collect()
        }
        _ => elements(module, expr, scope, &["tuple", "list", "set"]),
    }
}

fn elements<'t>(
    module: &Module<'t>,
    expr: Node<'t>,
    scope: ScopeId,
    kinds: &[&str],
) -> Vec<Node<'t>> {
    let expr = follow(module, expr, scope);
    if !kinds.contains(&expr.kind()) {
        return Vec::new();
    }
    named_children(expr)
        .into_iter()
        .filter(|n| !matches!(n.kind(), "list_splat" | "comment" | "dictionary_splat"))
        .collect()
}

/// A name bound once, to a display or comprehension: that expression.
fn follow<'t>(module: &Module<'t>, expr: Node<'t>, scope: ScopeId) -> Node<'t> {
    let expr = strip_parens(expr);
    if expr.kind() != "identifier" {
        return expr;
    }
    let name = module.text(expr);
    match module.lookup(scope, name, expr.start_byte()) {
        Some((s, b)) if module.scopes[s].bindings_named(name).count() == 1 => match &b.value {
            BindingValue::Value(v) => strip_parens(*v),
            _ => expr,
        },
        _ => expr,
    }
}

/// The table's verdict on a value, also for `self.x` when every assignment of `x` in the
/// class makes a value that fails the same way.
fn value_problem(module: &Module, value: Node, scope: ScopeId) -> Option<Unpicklable> {
    let value = strip_parens(value);
    if value.kind() != "attribute" {
        return unpicklable(module, value, scope);
    }
    let obj = value.child_by_field_name("object")?;
    let attr = module.text(value.child_by_field_name("attribute")?);
    let (class, self_name) = module.method_context(scope)?;
    if obj.kind() != "identifier" || module.text(obj) != self_name {
        return None;
    }
    let c = &module.classes[class];
    if module.scopes[c.scope]
        .bindings
        .iter()
        .any(|b| b.name == attr)
    {
        return None;
    }
    let assigns = c.self_attrs.get(attr)?;
    let mut found: Option<Unpicklable> = None;
    for a in assigns {
        let method = c
            .methods
            .iter()
            .find(|m| m.def.byte_range().contains(&a.target.start_byte()))?;
        let u = unpicklable(module, a.value?, method.scope)?;
        if found.as_ref().is_some_and(|f| f.exception != u.exception) {
            return None;
        }
        found = Some(u);
    }
    found
}

fn one_line(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}
