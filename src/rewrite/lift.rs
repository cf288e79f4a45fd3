//! Lifting what cannot be pickled by name to module level: lambdas (PF002), local functions
//! (PF003) and functions defined under the main guard (PF004).
//!
//! The lifted function goes directly before the top-level statement that holds the original
//! (never inside `if __name__ == "__main__":`). A local function that closes over locals is
//! lifted with them as keyword-only parameters and bound where the `def` was:
//!
//! ```text
//! def scale_all(xs):                      def scale(x, *, k):
//!     k = len(xs) + 1                         return x * k
//!     def scale(x):               →
//!         return x * k                    def scale_all(xs):
//!     pool.map(scale, xs)                     k = len(xs) + 1
//!                                             scale = functools.partial(_lifted, k=k)
//! ```
//!
//! That last form is an *unsafe* fix: `k` is now read when the `def` runs, not when the
//! function is called.

use tree_sitter::Node;

use super::names::NamePicker;
use super::text::{deletion_range, indent_unit, insert_before_statement, method_range, relocate};
use crate::edit::{Applicability, Edit, Fix};
use crate::hierarchy::ProjectView;
use crate::judge::closure_names;
use crate::matcher::Site;
use crate::parse::{children, descendants, named_children};
use crate::resolve::{Binding, BindingValue, Module, ScopeId, ScopeKind, MODULE_SCOPE};
use crate::source::{line_end_inclusive, line_start, newline_of};

/// The top-level statement holding byte `at`.
pub(super) fn top_statement<'t>(module: &Module<'t>, at: usize) -> Option<Node<'t>> {
    named_children(module.root)
        .into_iter()
        .find(|n| n.byte_range().contains(&at))
}

/// Name of the innermost function (or class) around `scope`, or `module`.
fn enclosing_name(module: &Module, mut scope: ScopeId) -> String {
    loop {
        let sc = &module.scopes[scope];
        if matches!(sc.kind, ScopeKind::Function | ScopeKind::Class) {
            if let Some(n) = sc.node.child_by_field_name("name") {
                return module.text(n).trim_start_matches('_').to_string();
            }
        }
        match sc.parent {
            Some(p) => scope = p,
            None => return "module".to_string(),
        }
    }
}

/// `ProcessPoolExecutor.map` → `map`, `Pool(initializer=…)` → `initializer`.
fn api_short(api: &str) -> String {
    if let Some(inner) = api.split('(').nth(1) {
        return inner.split('=').next().unwrap_or("fn").to_string();
    }
    api.rsplit('.').next().unwrap_or("fn").to_string()
}

fn insertion_before(module: &Module, stmt: Node, text: &str) -> Edit {
    insert_before_statement(module.src, stmt.start_byte(), text)
}

/// PF002: `lambda x: x + 1` → `def _run_map_fn(x): return x + 1` at module level.
pub fn lift_lambda(
    module: &Module,
    lambda: Node,
    site: &Site,
    project: &ProjectView,
) -> Result<Fix, String> {
    let scope = site.scope;
    let base = format!(
        "_{}_{}_fn",
        enclosing_name(module, scope),
        api_short(&site.api)
    );
    let closed = closure_names(module, lambda);
    if !closed.is_empty() {
        return super::closure::lift_capturing_lambda(module, lambda, site, project, &base);
    }
    let stmt = top_statement(module, lambda.start_byte()).ok_or("no enclosing statement")?;
    let mut picker = NamePicker::new(module);
    let name = picker.pick_free(&base);
    let params = lambda
        .child_by_field_name("parameters")
        .map_or("", |p| module.text(p));
    let body = lambda
        .child_by_field_name("body")
        .ok_or("lambda without a body")?;
    let body_text = module.text(body);
    let body_text = if body_text.contains('\n') {
        format!("({body_text})")
    } else {
        body_text.to_string()
    };
    let nl = newline_of(module.src);
    let unit = indent_unit(module.src);
    let def = format!("def {name}({params}):{nl}{unit}return {body_text}");
    let edits = vec![
        insertion_before(module, stmt, &def),
        Edit::replace(lambda.byte_range(), name.clone()),
    ];
    let mut fix = Fix::new(
        edits,
        Applicability::Safe,
        format!("Replace the lambda with module-level `{name}`"),
    );
    fix.defines = vec![name];
    Ok(fix)
}

/// PF002, unsafe: `initializer=lambda: setup(a, b)` → `initializer=setup, initargs=(a, b)`.
/// The arguments are now evaluated when the pool is created, not in each worker.
pub fn initializer_to_initargs(
    module: &Module,
    lambda: Node,
    scope: ScopeId,
) -> Result<Fix, String> {
    let keyword = lambda
        .parent()
        .filter(|p| p.kind() == "keyword_argument")
        .ok_or("not an `initializer=` keyword")?;
    if keyword
        .child_by_field_name("name")
        .is_none_or(|n| module.text(n) != "initializer")
    {
        return Err("not an `initializer=` keyword".into());
    }
    if lambda.child_by_field_name("parameters").is_some() {
        return Err("the lambda takes parameters".into());
    }
    let call = lambda
        .child_by_field_name("body")
        .map(crate::parse::strip_parens)
        .filter(|b| b.kind() == "call")
        .ok_or("the lambda does not just call a function")?;
    let callee = call.child_by_field_name("function").ok_or("no callee")?;
    // The callee itself must pickle by name: a module-level name or dotted import.
    let mut head = callee;
    while head.kind() == "attribute" {
        head = head.child_by_field_name("object").ok_or("no callee")?;
    }
    if head.kind() != "identifier" {
        return Err("the initializer is not a plain name".into());
    }
    match module.lookup(scope, module.text(head), head.start_byte()) {
        Some((s, _)) if s != MODULE_SCOPE => {
            return Err(format!("`{}` is local", module.text(head)));
        }
        _ => {}
    }
    let args = crate::parse::call_args(call, module.src);
    if args.has_splat || !args.keywords.is_empty() {
        return Err("the call passes keyword or unpacked arguments".into());
    }
    let site_args = keyword.parent().ok_or("no argument list")?;
    if named_children(site_args).iter().any(|a| {
        a.kind() == "keyword_argument"
            && a.child_by_field_name("name")
                .is_some_and(|n| module.text(n) == "initargs")
    }) {
        return Err("`initargs=` is already given".into());
    }
    // The arguments are now evaluated at the pool call: the names they read must be bound.
    for a in &args.positional {
        for ident in descendants(*a).filter(|n| n.kind() == "identifier") {
            let name = module.text(ident);
            if let Some((s, _)) = module.lookup(scope, name, ident.start_byte()) {
                let sc = &module.scopes[s];
                if s == MODULE_SCOPE {
                    continue;
                }
                let bound = sc.kind == ScopeKind::Function
                    && super::capture::definitely_bound(module, sc.node, name, lambda);
                if !bound {
                    return Err(format!(
                        "`{name}` may not be bound yet at the pool call (line {})",
                        lambda.start_position().row + 1
                    ));
                }
            }
        }
    }
    let values: Vec<&str> = args.positional.iter().map(|a| module.text(*a)).collect();
    let tuple = match values.len() {
        1 => format!("({},)", values[0]),
        _ => format!("({})", values.join(", ")),
    };
    let replacement = format!("initializer={}, initargs={tuple}", module.text(callee));
    Ok(Fix::new(
        vec![Edit::replace(keyword.byte_range(), replacement)],
        Applicability::Unsafe,
        format!(
            "Pass `{}` as initializer with its arguments in `initargs`",
            module.text(callee)
        ),
    ))
}

/// PF003: move a local `def` (or a local `class`, whose methods were handed over) to module
/// level; `def_scope` is the function that holds it.
pub fn lift_local_function(
    module: &Module,
    def: Node,
    def_scope: ScopeId,
    site: &Site,
    project: &ProjectView,
) -> Result<Fix, String> {
    let src = module.src;
    let name = def
        .child_by_field_name("name")
        .map(|n| module.text(n))
        .ok_or("a definition without a name")?;
    let is_class = def.kind() == "class_definition";
    if def
        .parent()
        .is_some_and(|p| p.kind() == "decorated_definition")
    {
        return Err(format!("`{name}` is decorated"));
    }
    if descendants(def).any(|n| matches!(n.kind(), "nonlocal_statement" | "global_statement")) {
        return Err(format!("`{name}` declares nonlocal or global names"));
    }
    let closed = closure_names(module, def);
    if is_class {
        if let Some(first) = closed.first() {
            return Err(format!(
                "class `{name}` uses `{first}` from the enclosing function"
            ));
        }
    }
    if !is_class && !closed.is_empty() {
        return super::closure::lift_closure(module, def, site, project);
    }
    let stmt = top_statement(module, def.start_byte()).ok_or("no enclosing statement")?;
    let bindings = module.scopes[def_scope].bindings_named(name).count();
    let mut picker = NamePicker::new(module);
    let outer = enclosing_name(module, def_scope);
    let new_name = picker.pick(name, &outer);
    if new_name == name && bindings != 1 {
        return Err(format!("`{name}` is bound more than once in its function"));
    }
    let name_node = def.child_by_field_name("name").map(|n| n.id());
    // Renamed, a self-reference inside the body must use the new name (an attribute or a
    // keyword that merely spells the name is no reference).
    let self_refs: Vec<Node> = module
        .identifiers
        .iter()
        .filter(|(n, _)| def.byte_range().contains(&n.start_byte()) && module.text(*n) == name)
        .filter(|(n, s)| {
            matches!(module.lookup(*s, name, n.start_byte()),
            Some((s, b)) if s == def_scope
                && match b.value {
                    BindingValue::Function(d) => d.id() == def.id(),
                    BindingValue::Class(c) => module.classes[c].node.id() == def.id(),
                    _ => false,
                })
        })
        .filter(|(n, _)| Some(n.id()) != name_node)
        .map(|(n, _)| *n)
        .collect();
    let siblings = def.parent().map_or(0, |b| {
        named_children(b)
            .iter()
            .filter(|n| n.kind() != "comment")
            .count()
    });
    if new_name == name && siblings <= 1 {
        return Err(format!("`{name}` is all its function holds"));
    }

    // The lifted text, renamed.
    let range = method_range(src, def);
    let mut inner: Vec<Edit> = Vec::new();
    if new_name != name {
        if let Some(n) = def.child_by_field_name("name") {
            inner.push(Edit::replace(n.byte_range(), new_name.clone()));
        }
        for r in &self_refs {
            inner.push(Edit::replace(r.byte_range(), new_name.clone()));
        }
    }
    let lifted = relocate(src, def, range.clone(), inner)?;

    let mut edits = vec![insertion_before(module, stmt, &lifted)];
    let indent = &src[line_start(src, def.start_byte())..def.start_byte()];
    let nl = newline_of(src);
    if new_name == name {
        edits.push(Edit::delete(deletion_range(src, range)));
    } else {
        let start = line_start(src, range.start);
        let end = line_end_inclusive(src, range.end);
        let ends_with_newline = src[..end].ends_with('\n');
        let tail = if ends_with_newline { nl } else { "" };
        edits.push(Edit::replace(
            start..end,
            format!("{indent}{name} = {new_name}{tail}"),
        ));
    }
    let kind = if is_class { "class" } else { "function" };
    let message = format!("Move local {kind} `{name}` to module level");
    let mut fix = Fix::new(merge_insertions(edits), Applicability::Safe, message);
    fix.defines = vec![new_name];
    Ok(fix)
}

/// PF004: move a function from under the main guard to just above it.
pub fn move_out_of_main_guard(module: &Module, def: Node, name: &str) -> Result<Fix, String> {
    let src = module.src;
    if def
        .parent()
        .is_some_and(|p| p.kind() == "decorated_definition")
    {
        return Err(format!("`{name}` is decorated"));
    }
    let guard = top_statement(module, def.start_byte()).ok_or("no enclosing statement")?;
    let guard_range = guard.byte_range();
    let module_bindings: Vec<&Binding> = module.scopes[MODULE_SCOPE].bindings_named(name).collect();
    if module_bindings.len() != 1 {
        return Err(format!("`{name}` is bound more than once at module level"));
    }
    // Names bound only under the guard do not exist in a spawned worker.
    for (ident, scope) in module.identifiers_in(def.byte_range()) {
        let used = module.text(ident);
        if let Some((s, _)) = module.lookup(scope, used, ident.start_byte()) {
            if s != MODULE_SCOPE || used == name {
                continue;
            }
            let all_in_guard = module.scopes[MODULE_SCOPE]
                .bindings_named(used)
                .all(|b| guard_range.contains(&b.at));
            if all_in_guard {
                return Err(format!(
                    "`{name}` uses `{used}`, which is only defined under the guard"
                ));
            }
        }
    }
    let body = guard
        .child_by_field_name("consequence")
        .ok_or("guard without a body")?;
    let statements = named_children(body)
        .iter()
        .filter(|n| n.kind() != "comment")
        .count();
    if statements <= 1 {
        return Err(format!("`{name}` is all the guard holds"));
    }
    let range = method_range(src, def);
    let lifted = relocate(src, def, range.clone(), Vec::new())?;
    let edits = vec![
        insertion_before(module, guard, &lifted),
        Edit::delete(deletion_range(src, range)),
    ];
    let mut fix = Fix::new(
        edits,
        Applicability::Safe,
        format!("Move `{name}` above `if __name__ == \"__main__\":`"),
    );
    fix.defines = vec![format!("{name} (moved)")];
    Ok(fix)
}

/// How this module can say `functools.partial`, and the import edit if it can't yet.
pub(super) fn partial_name(module: &Module) -> (String, Option<Edit>) {
    for b in &module.scopes[MODULE_SCOPE].bindings {
        if let BindingValue::Import(q) = &b.value {
            if q == "functools" {
                return (format!("{}.partial", b.name), None);
            }
            if q == "functools.partial" {
                return (b.name.clone(), None);
            }
        }
    }
    let src = module.src;
    let nl = newline_of(src);
    let at = import_point(module);
    let prefix = if at > 0 && !src[..at].ends_with('\n') {
        nl
    } else {
        ""
    };
    (
        "functools.partial".to_string(),
        Some(Edit::insert(at, format!("{prefix}import functools{nl}"))),
    )
}

/// Where a new import goes: after the module docstring, every `from __future__` import and
/// the rest of the leading imports, whatever comments (shebang, encoding cookie, licence)
/// come first. With none of those, after the leading comments (never before a cookie).
fn import_point(module: &Module) -> usize {
    let src = module.src;
    let mut at = None;
    let mut after_comments = if src.starts_with('\u{feff}') { 3 } else { 0 };
    let mut docstring_allowed = true;
    for stmt in children(module.root) {
        match stmt.kind() {
            "comment" => {
                if at.is_none() {
                    after_comments = line_end_inclusive(src, stmt.end_byte());
                }
            }
            "import_statement" | "import_from_statement" | "future_import_statement" => {
                docstring_allowed = false;
                at = Some(line_end_inclusive(src, stmt.end_byte()));
            }
            "expression_statement"
                if docstring_allowed
                    && stmt.named_child(0).is_some_and(|s| s.kind() == "string") =>
            {
                docstring_allowed = false;
                at = Some(line_end_inclusive(src, stmt.end_byte()));
            }
            _ => break,
        }
    }
    at.unwrap_or(after_comments)
}

/// Two insertions at one point inside a fix become one edit (import first).
pub(super) fn merge_insertions(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out: Vec<Edit> = Vec::new();
    for e in edits {
        match out.last_mut() {
            Some(last)
                if last.range.is_empty()
                    && e.range.is_empty()
                    && last.range.start == e.range.start =>
            {
                let (first, second) = if last.content.starts_with("import ") {
                    (last.content.clone(), e.content)
                } else {
                    (e.content, last.content.clone())
                };
                last.content = first + &second;
            }
            _ => out.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_names() {
        assert_eq!(api_short("ProcessPoolExecutor.map"), "map");
        assert_eq!(api_short("Pool(initializer=…)"), "initializer");
        assert_eq!(api_short("Process(target=…)"), "target");
        assert_eq!(api_short("loop.run_in_executor"), "run_in_executor");
    }
}
