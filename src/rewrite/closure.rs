//! Lifting closures (local functions and lambdas that read names of the enclosing function)
//! to module level; the captured values are bound at the pool call (see `capture`).
//!
//! What a closure may capture, and how each becomes a parameter of the lifted function:
//! - a local name `k` of the enclosing function: `k=k` at the call;
//! - `self.attr` of the enclosing method, when the attribute is read-only state (see
//!   `state`): `attr=self.attr` — the values go to the worker, never `self`;
//! - a default argument naming locals (`def server(conn, listener=listener)`): the default
//!   leaves the lifted signature and `listener=listener` goes into the partial.
//!
//! Every reference to a lifted local function in its function is rewritten: a call
//! `job(x)` becomes `_job(x, k=k)` (it reads `k` when it runs, as the closure did), any
//! other use (the pool's argument) becomes `functools.partial(_job, k=k)`. Self-calls inside
//! the body are renamed and pass their own parameters on.

use std::collections::HashSet;

use tree_sitter::Node;

use super::capture::{
    capture_params, definitely_bound, in_self_documenting, start_gap, Capture, Params,
};
use super::lift::{merge_insertions, partial_name};
use super::names::NamePicker;
use super::text::{deletion_range, indent_unit, insert_before_statement, method_range, relocate};
use crate::edit::{apply_edits, Applicability, Edit, Fix};
use crate::hierarchy::ProjectView;
use crate::matcher::{Channel, Site};
use crate::parse::{call_args, descendants, named_children, strip_parens};
use crate::resolve::{BindingValue, Module, ScopeId, ScopeKind};
use crate::source::{line_end_inclusive, line_start, newline_of};

/// What a closure reads from outside, as captures plus the edits inside its own text.
struct Captured {
    captures: Vec<Capture>,
    /// Parameters whose default named locals: (parameter node, capture index).
    defaults: Vec<(usize, usize)>,
    /// Edits inside the closure's text (`self.attr` → `attr`, a default dropped).
    inner: Vec<Edit>,
    /// The function scope the captured names live in.
    home: ScopeId,
}

/// The function scope a closure at `own` (its scope) is defined in.
fn home_of(module: &Module, own: ScopeId) -> Result<ScopeId, String> {
    let parent = module.scopes[own].parent.ok_or("no enclosing scope")?;
    if module.scopes[parent].kind != ScopeKind::Function {
        return Err("it is not defined directly in a function".into());
    }
    Ok(parent)
}

/// Identifiers inside `range` that resolve to a binding of an enclosing function scope.
fn outer_names<'t>(
    module: &Module<'t>,
    node: Node<'t>,
    range: std::ops::Range<usize>,
    skip: &HashSet<usize>,
) -> Vec<(Node<'t>, ScopeId)> {
    let Some(own) = module.scope_of_def(node) else {
        return Vec::new();
    };
    let own_name = if node.kind() == "lambda" {
        None
    } else {
        node.child_by_field_name("name").map(|n| module.text(n))
    };
    let mut out = Vec::new();
    for (ident, scope) in module.identifiers_in(range.clone()) {
        if skip.contains(&ident.id()) {
            continue;
        }
        let name = module.text(ident);
        let Some((s, b)) = module.lookup(scope, name, ident.start_byte()) else {
            continue;
        };
        let sc = &module.scopes[s];
        let enclosing = matches!(sc.kind, ScopeKind::Function | ScopeKind::Lambda)
            && sc.node.byte_range().contains(&node.start_byte())
            && s != own
            && !node.byte_range().contains(&sc.node.start_byte());
        // The function's own name (recursion) is rewritten, not captured.
        let itself = Some(name) == own_name
            && matches!(b.value, BindingValue::Function(d) if d.id() == node.id());
        if enclosing && !itself {
            out.push((ident, s));
        }
    }
    out
}

/// Names (not attribute or keyword names) used inside `node`.
pub(super) fn names_used<'t>(module: &Module<'t>, node: Node) -> HashSet<&'t str> {
    module
        .identifiers
        .iter()
        .filter(|(n, _)| node.byte_range().contains(&n.start_byte()))
        .map(|(n, _)| module.text(*n))
        .collect()
}

/// The parameter name for `self.attr`: `attr`, unless the body already uses that name for
/// something else (`ast` the module vs `self.ast`) or another parameter has it.
pub(super) fn param_for_attr(used: &HashSet<&str>, taken: &[String], attr: &str) -> String {
    let mut candidate = attr.to_string();
    let mut n = 2;
    while used.contains(candidate.as_str()) || taken.contains(&candidate) {
        candidate = format!("{attr}_{n}");
        n += 1;
    }
    candidate
}

/// Collect the captures of a closure (`node`: a `function_definition` or a `lambda`).
fn collect(
    module: &Module,
    node: Node,
    site: &Site,
    project: &ProjectView,
) -> Result<Captured, String> {
    let own = module.scope_of_def(node).ok_or("its scope was not found")?;
    let home = home_of(module, own)?;
    let params_node = node.child_by_field_name("parameters");
    let param_list: Vec<Node> = params_node.map_or(Vec::new(), |p| {
        named_children(p)
            .into_iter()
            .filter(|n| n.kind() != "comment")
            .collect()
    });
    let mut captures: Vec<Capture> = Vec::new();
    let mut defaults = Vec::new();
    let mut inner = Vec::new();
    let mut in_signature: HashSet<usize> = HashSet::new();
    // Annotations are evaluated where the `def` runs: at module level they could not see
    // locals.
    for p in &param_list {
        for field in ["type"] {
            if let Some(t) = p.child_by_field_name(field) {
                let names = outer_names(module, node, t.byte_range(), &HashSet::new());
                if let Some((n, _)) = names.first() {
                    return Err(format!(
                        "an annotation uses `{}` from the enclosing function",
                        module.text(*n)
                    ));
                }
                in_signature.extend(descendants(t).map(|d| d.id()));
            }
        }
    }
    if let Some(r) = node.child_by_field_name("return_type") {
        if let Some((n, _)) = outer_names(module, node, r.byte_range(), &HashSet::new()).first() {
            return Err(format!(
                "an annotation uses `{}` from the enclosing function",
                module.text(*n)
            ));
        }
        in_signature.extend(descendants(r).map(|d| d.id()));
    }
    // Defaults naming locals become partial arguments.
    for (i, p) in param_list.iter().enumerate() {
        let Some(value) = p.child_by_field_name("value") else {
            continue;
        };
        in_signature.extend(descendants(value).map(|d| d.id()));
        let names = outer_names(module, node, value.byte_range(), &HashSet::new());
        if names.is_empty() {
            continue;
        }
        if !is_plain_value(value) {
            return Err(format!(
                "the default `{}` would be evaluated at a different time",
                module.text(value)
            ));
        }
        let param = crate::judge::param_name(module, *p).ok_or("a parameter without a name")?;
        let mut reads: Vec<String> = Vec::new();
        for (n, s) in &names {
            if *s != home {
                return Err(format!(
                    "the default uses `{}` from a function further out",
                    module.text(*n)
                ));
            }
            let t = module.text(*n).to_string();
            if !reads.contains(&t) {
                reads.push(t);
            }
        }
        // `p=value` → `p`; `p: T = value` → `p: T`.
        let end_of_kept = p
            .child_by_field_name("type")
            .or_else(|| p.child_by_field_name("name"))
            .map_or(p.start_byte(), |n| n.end_byte());
        inner.push(Edit::delete(end_of_kept..value.end_byte()));
        defaults.push((i, captures.len()));
        captures.push(Capture {
            param: param.to_string(),
            value: module.text(value).to_string(),
            reads,
        });
    }
    // The body's captured names.
    let self_name = module.method_context(home).map(|(_, s)| s);
    let body_names = outer_names(module, node, node.byte_range(), &in_signature);
    let used = names_used(module, node);
    let mut attrs: Vec<String> = Vec::new();
    for (ident, s) in body_names {
        let name = module.text(ident);
        if s != home {
            return Err(format!("it uses `{name}` from a function further out"));
        }
        if Some(name) == self_name {
            let (class, _) = module.method_context(home).ok_or("no method")?;
            let attr = self_attribute_read(module, ident)?;
            crate::state::read_only_attr(module, class, project, attr).map_err(|why| {
                format!("it uses `{name}` itself: {why}, so only the instance would do")
            })?;
            let parent = ident.parent().ok_or("no attribute")?;
            if in_self_documenting(module, parent) {
                return Err(format!(
                    "`{{{}=}}` in an f-string prints its own text (line {})",
                    module.text(parent),
                    parent.start_position().row + 1
                ));
            }
            let value = format!("{name}.{attr}");
            if !attrs.iter().any(|a| a == attr) {
                attrs.push(attr.to_string());
                let taken: Vec<String> = captures.iter().map(|c| c.param.clone()).collect();
                captures.push(Capture {
                    param: param_for_attr(&used, &taken, attr),
                    value: value.clone(),
                    reads: vec![name.to_string()],
                });
            }
            let param = captures
                .iter()
                .rfind(|c| c.value == value)
                .map_or(String::new(), |c| c.param.clone());
            inner.push(Edit::replace(parent.byte_range(), param));
            continue;
        }
        if captures.iter().any(|c| c.param == name && c.value == name) {
            continue;
        }
        check_value_kind(module, home, name, site)?;
        captures.push(Capture {
            param: name.to_string(),
            value: name.to_string(),
            reads: vec![name.to_string()],
        });
    }
    if captures
        .iter()
        .map(|c| &c.param)
        .collect::<HashSet<_>>()
        .len()
        != captures.len()
    {
        return Err("two captured values would share a parameter name".into());
    }
    Ok(Captured {
        captures,
        defaults,
        inner,
        home,
    })
}

/// `self.attr` read (not written, not a method called or passed on).
fn self_attribute_read<'t>(module: &Module<'t>, ident: Node<'t>) -> Result<&'t str, String> {
    let line = ident.start_position().row + 1;
    let name = module.text(ident);
    let parent = ident
        .parent()
        .filter(|p| {
            p.kind() == "attribute"
                && p.child_by_field_name("object")
                    .is_some_and(|o| o.id() == ident.id())
        })
        .ok_or_else(|| format!("it uses `{name}` itself (line {line})"))?;
    let attr = parent
        .child_by_field_name("attribute")
        .map(|a| module.text(a))
        .ok_or("no attribute")?;
    if crate::facts::is_store_target(parent) {
        return Err(format!("it writes `{name}.{attr}` (line {line})"));
    }
    Ok(attr)
}

/// Captured values must pickle: never a local function, class, lambda or a lock, pool,
/// file, socket or connection (a `Process` may be given multiprocessing's own queues,
/// pipes and locks).
fn check_value_kind(module: &Module, home: ScopeId, name: &str, site: &Site) -> Result<(), String> {
    for b in module.scopes[home].bindings_named(name) {
        match &b.value {
            BindingValue::Function(_) | BindingValue::Class(_) => {
                return Err(format!(
                    "it uses `{name}`, a local definition that cannot be pickled either"
                ))
            }
            BindingValue::Value(v) => {
                let v = strip_parens(*v);
                if v.kind() == "lambda" {
                    return Err(format!("it uses `{name}`, a lambda that cannot be pickled"));
                }
                if crate::state::holds_resource(module, v, home) {
                    let q = v
                        .child_by_field_name("function")
                        .and_then(|f| module.qualname(f, home))
                        .unwrap_or_default();
                    let inherited = site.channel == Channel::StartUp
                        && site.api.starts_with("Process(")
                        && q.starts_with("multiprocessing.");
                    if !inherited {
                        return Err(format!(
                            "it uses `{name}` (`{}`), which cannot be pickled",
                            module.text(v)
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn is_plain_value(node: Node) -> bool {
    let node = strip_parens(node);
    match node.kind() {
        "identifier" | "integer" | "float" | "string" | "true" | "false" | "none" => true,
        "attribute" => node
            .child_by_field_name("object")
            .is_some_and(is_plain_value),
        "tuple" => named_children(node).into_iter().all(is_plain_value),
        _ => false,
    }
}

/// How many positional arguments the pool passes to the callable at `site`, when known.
fn pool_positional_args(module: &Module, site: &Site) -> Option<usize> {
    let args = call_args(site.call, module.src);
    if args.has_splat {
        return None;
    }
    let literal_len = |n: Option<Node>| -> Option<usize> {
        match n.map(strip_parens) {
            None => Some(0),
            Some(t) if matches!(t.kind(), "tuple" | "list") => {
                let items: Vec<Node> = named_children(t)
                    .into_iter()
                    .filter(|c| c.kind() != "comment")
                    .collect();
                (!items
                    .iter()
                    .any(|c| matches!(c.kind(), "list_splat" | "parenthesized_list_splat")))
                .then_some(items.len())
            }
            Some(_) => None,
        }
    };
    let method = site.api.rsplit('.').next().unwrap_or("");
    let extra_after_callable = args.positional.len().checked_sub(1);
    let base = match site.api.as_str() {
        "Process(target=…)" => literal_len(args.get(Some(3), "args")),
        "Pool(initializer=…)" => literal_len(args.get(Some(2), "initargs")),
        "ProcessPoolExecutor(initializer=…)" => literal_len(args.get(Some(3), "initargs")),
        "loop.run_in_executor" => args.positional.len().checked_sub(2),
        _ if site.api.starts_with("Pool.") => match method {
            "map" | "map_async" | "imap" | "imap_unordered" => Some(1),
            "apply" | "apply_async" => literal_len(args.get(Some(1), "args")),
            _ => None,
        },
        _ if site.api.starts_with("ProcessPoolExecutor.") => extra_after_callable,
        _ => None,
    }?;
    // `partial(fn, a, b)` handed over adds its own.
    let callable = strip_parens(site.callable);
    let from_partial = if callable.kind() == "call" {
        let inner = call_args(callable, module.src);
        if inner.has_splat {
            return None;
        }
        inner.positional.len().saturating_sub(1)
    } else {
        0
    };
    Some(base + from_partial)
}

/// Refuse when a default capture could also be passed positionally by the pool.
fn defaults_not_passed(
    module: &Module,
    site: &Site,
    params: &[Node],
    defaults: &[(usize, usize)],
) -> Result<(), String> {
    if defaults.is_empty() {
        return Ok(());
    }
    let mut positional_index = Vec::new();
    let mut pos = 0;
    let mut keyword_only = false;
    for p in params {
        let inner_kind = if p.kind() == "typed_parameter" {
            named_children(*p).first().map_or(p.kind(), |c| c.kind())
        } else {
            p.kind()
        };
        match inner_kind {
            "keyword_separator" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                keyword_only = true;
                positional_index.push(None);
            }
            "positional_separator" => positional_index.push(None),
            _ => {
                positional_index.push((!keyword_only).then_some(pos));
                pos += 1;
            }
        }
    }
    let passed = pool_positional_args(module, site);
    for (i, _) in defaults {
        if let Some(Some(index)) = positional_index.get(*i) {
            match passed {
                Some(n) if n <= *index => {}
                _ => {
                    return Err(format!(
                        "`{}` could be passed positionally by `{}`, colliding with the bound value",
                        module.text(params[*i]),
                        site.api
                    ))
                }
            }
        }
    }
    Ok(())
}

/// After dropping defaults, every positional parameter after one that keeps a default
/// must keep one too.
fn defaults_stay_valid(module: &Module, params: &[Node], dropped: &[usize]) -> Result<(), String> {
    let mut seen_default = false;
    for (i, p) in params.iter().enumerate() {
        let kind = p.kind();
        if matches!(
            kind,
            "keyword_separator" | "list_splat_pattern" | "dictionary_splat_pattern"
        ) {
            break;
        }
        let keeps_default = matches!(kind, "default_parameter" | "typed_default_parameter")
            && !dropped.contains(&i);
        if keeps_default {
            seen_default = true;
        } else if seen_default && kind != "positional_separator" {
            let text = module.text(*p);
            return Err(format!(
                "`{text}` would follow a parameter with a default once its default moves to the call"
            ));
        }
    }
    Ok(())
}

/// Split `captures` into those bound by position (leading, positional-only) and by
/// keyword (defaults always go by keyword: the caller may still pass them).
fn split_args(
    captures: &[Capture],
    default_caps: &[usize],
    positional: bool,
    inside: bool,
) -> (String, String) {
    let value = |c: &Capture| {
        if inside {
            c.param.clone()
        } else {
            c.value.clone()
        }
    };
    let mut lead = Vec::new();
    let mut kw = Vec::new();
    for (i, c) in captures.iter().enumerate() {
        if default_caps.contains(&i) {
            kw.push(format!("{}={}", c.param, value(c)));
        } else if positional {
            lead.push(value(c));
        } else {
            kw.push(format!("{}={}", c.param, value(c)));
        }
    }
    (lead.join(", "), kw.join(", "))
}

/// Add leading and keyword arguments to a call's argument list.
fn extend_call(module: &Module, call: Node, lead: &str, kw: &str) -> Result<Vec<Edit>, String> {
    let list = call
        .child_by_field_name("arguments")
        .filter(|l| l.kind() == "argument_list")
        .ok_or("a call with a generator argument")?;
    let mut edits = Vec::new();
    let open = list.start_byte() + 1;
    let close = list.end_byte().saturating_sub(1);
    let inside = module.src[open..close].trim();
    if !lead.is_empty() {
        let text = if inside.is_empty() {
            lead.to_string()
        } else {
            format!("{lead}, ")
        };
        edits.push(Edit::insert(open, text));
    }
    if !kw.is_empty() {
        let before = module.src[open..close].trim_end();
        let sep = if before.is_empty() && lead.is_empty() {
            ""
        } else if before.ends_with(',') {
            " "
        } else {
            ", "
        };
        edits.push(Edit::insert(open + before.len(), format!("{sep}{kw}")));
    }
    Ok(merge_same_point(edits))
}

/// `lead` and `kw` inserted at one point (an empty list) become one edit.
fn merge_same_point(mut edits: Vec<Edit>) -> Vec<Edit> {
    if edits.len() == 2 && edits[0].range == edits[1].range {
        let second = edits.pop().map(|e| e.content).unwrap_or_default();
        edits[0].content.push_str(&second);
    }
    edits
}

/// A call `name(...)` whose callee is `ident`.
fn call_of<'t>(ident: Node<'t>) -> Option<Node<'t>> {
    let p = ident.parent()?;
    (p.kind() == "call" && p.child_by_field_name("function")?.id() == ident.id()).then_some(p)
}

/// Default captures a call supplies itself (by keyword or position) keep its value.
fn defaults_given_by_call(
    module: &Module,
    call: Node,
    params: &[Node],
    defaults: &[(usize, usize)],
) -> Result<Vec<usize>, String> {
    let args = call_args(call, module.src);
    let mut given = Vec::new();
    for (pi, ci) in defaults {
        let name = crate::judge::param_name(module, params[*pi]).unwrap_or("");
        if args.keywords.iter().any(|(k, _)| k == name) {
            given.push(*ci);
        } else if args.has_splat {
            return Err(format!(
                "`{}` unpacks arguments: whether it passes `{name}` is unknown",
                module.text(call)
            ));
        } else if args.positional.len() > *pi {
            given.push(*ci);
        }
    }
    Ok(given)
}

/// PF003, unsafe: lift a local function that captures values of its function.
pub fn lift_closure(
    module: &Module,
    def: Node,
    site: &Site,
    project: &ProjectView,
) -> Result<Fix, String> {
    let src = module.src;
    let name = def
        .child_by_field_name("name")
        .map(|n| module.text(n))
        .ok_or("a definition without a name")?;
    let cap = collect(module, def, site, project)?;
    let home = cap.home;
    let func = module.scopes[home].node;
    let params = Params::of_def(def).ok_or("no parameter list")?;
    let dropped: Vec<usize> = cap.defaults.iter().map(|(p, _)| *p).collect();
    defaults_stay_valid(module, &params.list, &dropped)?;
    let default_caps: Vec<usize> = cap.defaults.iter().map(|(_, c)| *c).collect();
    let plain: Vec<String> = cap
        .captures
        .iter()
        .enumerate()
        .filter(|(i, _)| !default_caps.contains(i))
        .map(|(_, c)| c.param.clone())
        .collect();
    if module.scopes[home].bindings_named(name).count() != 1 {
        return Err(format!("`{name}` is bound more than once in its function"));
    }
    if module.scopes.iter().any(|s| s.not_local.contains(name)) {
        return Err(format!("`{name}` is declared nonlocal or global somewhere"));
    }

    let mut picker = NamePicker::new(module);
    picker.avoid_locals_of(home);
    let outer = module.scopes[home]
        .node
        .child_by_field_name("name")
        .map_or("module", |n| module.text(n))
        .trim_start_matches('_')
        .to_string();
    let new_name = picker.pick(name, &outer);

    // The lifted signature.
    let mut inner = cap.inner.clone();
    let positional = if plain.is_empty() {
        false
    } else {
        let (edit, positional) = capture_params(module, &params, &plain, false)?;
        inner.push(edit);
        positional
    };
    if let Some(n) = def.child_by_field_name("name") {
        if new_name != name {
            inner.push(Edit::replace(n.byte_range(), new_name.clone()));
        }
    }
    let (partial, import) = partial_name(module);
    let mut uses_partial = false;
    let mut outside: Vec<Edit> = Vec::new();
    let mut site_seen = false;
    let sites = crate::matcher::find_sites(module);

    for (ident, scope) in module.identifiers_named(name) {
        let Some((s, b)) = module.lookup(scope, name, ident.start_byte()) else {
            continue;
        };
        let is_ours =
            s == home && matches!(b.value, BindingValue::Function(d) if d.id() == def.id());
        if !is_ours
            || def
                .child_by_field_name("name")
                .is_some_and(|n| n.id() == ident.id())
        {
            continue;
        }
        let line = ident.start_position().row + 1;
        let inside = def.byte_range().contains(&ident.start_byte());
        if crate::facts::is_store_target(ident) {
            return Err(format!("`{name}` is rebound (line {line})"));
        }
        if let Some(call) = call_of(ident) {
            let given = if inside {
                Vec::new()
            } else {
                defaults_given_by_call(module, call, &params.list, &cap.defaults)?
            };
            let kept: Vec<Capture> = cap
                .captures
                .iter()
                .enumerate()
                .filter(|(i, _)| !given.contains(i))
                .map(|(_, c)| c.clone())
                .collect();
            let kept_defaults: Vec<usize> = kept
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    default_caps
                        .iter()
                        .any(|d| cap.captures[*d].param == c.param)
                })
                .map(|(i, _)| i)
                .collect();
            if !inside && scope != home {
                for c in &kept {
                    for r in &c.reads {
                        if module.lookup(scope, r, ident.start_byte()).map(|(s, _)| s) != Some(home)
                        {
                            return Err(format!(
                                "`{r}` means something else where `{name}` is called (line {line})"
                            ));
                        }
                    }
                }
            }
            let (lead, kw) = split_args(&kept, &kept_defaults, positional, inside);
            let mut edits = vec![Edit::replace(ident.byte_range(), new_name.clone())];
            edits.extend(extend_call(module, call, &lead, &kw)?);
            if inside {
                inner.extend(edits);
            } else {
                outside.extend(edits);
            }
            continue;
        }
        // A value: the partial binds the captures here.
        uses_partial = true;
        let args = if inside {
            let (lead, kw) = split_args(&cap.captures, &default_caps, positional, true);
            [lead, kw]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            if scope != home {
                return Err(format!(
                    "`{name}` is used as a value inside another function (line {line})"
                ));
            }
            for c in &cap.captures {
                for r in &c.reads {
                    if !definitely_bound(module, func, r, ident) {
                        return Err(format!(
                            "`{r}` may not be bound yet where `{name}` is used (line {line}): the value could not be read there"
                        ));
                    }
                }
            }
            // Every pool call the rewrite touches is checked, not only this finding's: the
            // findings of one function share one fix.
            let pool_site = sites
                .iter()
                .find(|s| s.callable.byte_range().contains(&ident.start_byte()));
            if let Some(at) = pool_site {
                site_seen |= at.callable.id() == site.callable.id();
                defaults_not_passed(module, at, &params.list, &cap.defaults)?;
                let reads: Vec<String> =
                    cap.captures.iter().flat_map(|c| c.reads.clone()).collect();
                start_gap(module, at, home, func, &reads)?;
            } else if !cap.defaults.is_empty() {
                return Err(format!(
                    "`{name}` is used as a value (line {line}): whether a default is also passed is unknown"
                ));
            } else if site.api.starts_with("Process(") {
                return Err(format!(
                    "`{name}` is used as a value (line {line}) before it reaches `Process(...)`"
                ));
            }
            let (lead, kw) = split_args(&cap.captures, &default_caps, positional, false);
            [lead, kw]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let text = format!("{partial}({new_name}, {args})");
        let edit = Edit::replace(ident.byte_range(), text);
        if inside {
            inner.push(edit);
        } else {
            outside.push(edit);
        }
    }
    if !site_seen {
        return Err(format!(
            "the pool's `{}` does not name `{name}` directly",
            module.text(site.callable)
        ));
    }

    let range = method_range(src, def);
    let lifted = relocate(src, def, range.clone(), inner)?;
    let stmt =
        super::lift::top_statement(module, def.start_byte()).ok_or("no enclosing statement")?;
    let mut edits = vec![insert_before_statement(src, stmt.start_byte(), &lifted)];
    edits.push(remove_statement(module, def, range)?);
    edits.extend(outside);
    if uses_partial {
        edits.extend(import);
    }
    let names: Vec<String> = cap
        .captures
        .iter()
        .map(|c| format!("`{}`", c.value))
        .collect();
    let message = format!(
        "Move local function `{name}` to module level as `{new_name}`; `functools.partial` at the call binds {} (the value is now read at the call, not inside the worker)",
        names.join(", ")
    );
    let mut fix = Fix::new(merge_insertions(edits), Applicability::Unsafe, message);
    fix.defines = vec![new_name];
    crate::edit::ensure_disjoint(&fix.edits)?;
    Ok(fix)
}

/// Delete a statement, or leave `pass` when it is all its block holds.
fn remove_statement(
    module: &Module,
    def: Node,
    range: std::ops::Range<usize>,
) -> Result<Edit, String> {
    let src = module.src;
    let alone = def.parent().is_some_and(|b| {
        named_children(b)
            .iter()
            .filter(|n| n.kind() != "comment")
            .count()
            <= 1
    });
    if alone {
        let indent = &src[line_start(src, def.start_byte())..def.start_byte()];
        let start = line_start(src, range.start);
        let end = line_end_inclusive(src, range.end);
        let tail = if src[..end].ends_with('\n') {
            newline_of(src)
        } else {
            ""
        };
        return Ok(Edit::replace(start..end, format!("{indent}pass{tail}")));
    }
    Ok(Edit::delete(deletion_range(src, range)))
}

/// For `fn = lambda …` whose only use is the pool's argument, that use.
fn stored_reference<'t>(
    module: &Module<'t>,
    lambda: Node<'t>,
    home: ScopeId,
    site: &Site<'t>,
) -> Result<Node<'t>, String> {
    let not = || "the lambda reaches the pool through more than one step".to_string();
    let assign = lambda
        .parent()
        .filter(|p| p.kind() == "assignment")
        .ok_or_else(not)?;
    let target = assign
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")
        .ok_or_else(not)?;
    let var = module.text(target);
    let bindings: Vec<_> = module.scopes[home].bindings_named(var).collect();
    if bindings.len() != 1 {
        return Err(format!("`{var}` is bound more than once"));
    }
    let uses: Vec<Node> = module
        .identifiers
        .iter()
        .filter(|(n, _)| module.text(*n) == var && n.id() != target.id())
        .filter(|(n, s)| {
            module
                .lookup(*s, var, n.start_byte())
                .is_some_and(|(s, b)| s == home && b.at == target.start_byte())
        })
        .map(|(n, _)| *n)
        .collect();
    match uses[..] {
        [only] if site.callable.byte_range().contains(&only.start_byte()) => Ok(only),
        _ => Err(format!(
            "`{var}` is used elsewhere than the pool call: its captures could not be bound there"
        )),
    }
}

/// PF002, unsafe: a lambda that captures becomes a module-level `def` taking the captures as
/// keyword-only parameters, and the lambda `functools.partial(def, k=k)`.
pub fn lift_capturing_lambda(
    module: &Module,
    lambda: Node,
    site: &Site,
    project: &ProjectView,
    new_base: &str,
) -> Result<Fix, String> {
    let src = module.src;
    let cap = collect(module, lambda, site, project)?;
    let home = cap.home;
    let func = module.scopes[home].node;
    let params_node = lambda.child_by_field_name("parameters");
    let list: Vec<Node> = params_node.map_or(Vec::new(), |p| {
        named_children(p)
            .into_iter()
            .filter(|n| n.kind() != "comment")
            .collect()
    });
    let dropped: Vec<usize> = cap.defaults.iter().map(|(p, _)| *p).collect();
    defaults_stay_valid(module, &list, &dropped)?;
    defaults_not_passed(module, site, &list, &cap.defaults)?;
    let default_caps: Vec<usize> = cap.defaults.iter().map(|(_, c)| *c).collect();
    // Where the values are bound: the lambda itself, or — stored first in a local the pool
    // then receives (`fn = lambda x: x * z`, `z = …`, `pool.map(fn, xs)`) — the pool call.
    let stored_in = if site.callable.byte_range().contains(&lambda.start_byte()) {
        None
    } else {
        Some(stored_reference(module, lambda, home, site)?)
    };
    if stored_in.is_some() && !cap.defaults.is_empty() {
        return Err("a stored lambda's defaults are evaluated where it is defined".into());
    }
    let bind_at = stored_in.unwrap_or(lambda);
    for c in &cap.captures {
        for r in &c.reads {
            if !definitely_bound(module, func, r, bind_at) {
                return Err(format!(
                    "`{r}` may not be bound yet at the pool call (line {}): the value could not be read there",
                    bind_at.start_position().row + 1
                ));
            }
        }
    }
    let reads: Vec<String> = cap.captures.iter().flat_map(|c| c.reads.clone()).collect();
    start_gap(module, site, home, func, &reads)?;

    let mut picker = NamePicker::new(module);
    picker.avoid_locals_of(home);
    let name = picker.pick_free(new_base);
    // The parameter list as text, with the captures added.
    let plain: Vec<String> = cap
        .captures
        .iter()
        .enumerate()
        .filter(|(i, _)| !default_caps.contains(i))
        .map(|(_, c)| c.param.clone())
        .collect();
    let inner_range =
        params_node.map_or(lambda.start_byte()..lambda.start_byte(), |p| p.byte_range());
    let params = Params {
        list: list.clone(),
        inner: inner_range.clone(),
    };
    let mut sig_edits: Vec<Edit> = cap
        .inner
        .iter()
        .filter(|e| inner_range.contains(&e.range.start))
        .cloned()
        .collect();
    let positional = if plain.is_empty() {
        false
    } else {
        let (edit, positional) = if params_node.is_none() {
            (
                Edit::insert(inner_range.start, format!("*, {}", plain.join(", "))),
                false,
            )
        } else {
            capture_params(module, &params, &plain, false)?
        };
        sig_edits.push(edit);
        positional
    };
    let shift = |edits: Vec<Edit>, base: usize| -> Vec<Edit> {
        let mut e: Vec<Edit> = edits
            .into_iter()
            .map(|e| Edit::replace(e.range.start - base..e.range.end - base, e.content))
            .collect();
        e.sort_by_key(|e| (e.range.start, e.range.end));
        e
    };
    let sig = apply_edits(
        &src[inner_range.clone()],
        &shift(sig_edits, inner_range.start),
    );
    let body = lambda
        .child_by_field_name("body")
        .ok_or("lambda without a body")?;
    let body_edits: Vec<Edit> = cap
        .inner
        .iter()
        .filter(|e| body.byte_range().contains(&e.range.start))
        .cloned()
        .collect();
    let body_text = apply_edits(module.text(body), &shift(body_edits, body.start_byte()));
    let body_text = if body_text.contains('\n') {
        format!("({body_text})")
    } else {
        body_text
    };
    let nl = newline_of(src);
    let unit = indent_unit(src);
    let def = format!("def {name}({sig}):{nl}{unit}return {body_text}");
    let (lead, kw) = split_args(&cap.captures, &default_caps, positional, false);
    let args = [lead, kw]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let (partial, import) = partial_name(module);
    let stmt =
        super::lift::top_statement(module, lambda.start_byte()).ok_or("no enclosing statement")?;
    let bound = format!("{partial}({name}, {args})");
    let mut edits = vec![insert_before_statement(src, stmt.start_byte(), &def)];
    match stored_in {
        Some(reference) => {
            edits.push(Edit::replace(lambda.byte_range(), name.clone()));
            edits.push(Edit::replace(reference.byte_range(), bound));
        }
        None => edits.push(Edit::replace(lambda.byte_range(), bound)),
    }
    edits.extend(import);
    let names: Vec<String> = cap
        .captures
        .iter()
        .map(|c| format!("`{}`", c.value))
        .collect();
    let mut fix = Fix::new(
        merge_insertions(edits),
        Applicability::Unsafe,
        format!(
            "Replace the lambda with module-level `{name}`; `functools.partial` at the call binds {} (the value is now read at the call, not inside the worker)",
            names.join(", ")
        ),
    );
    fix.defines = vec![name];
    Ok(fix)
}
