//! Binding a lifted function's captured values where the pool receives it.
//!
//! A closure reads its captured names when it runs. Lifted to module level it takes them
//! as parameters, and `functools.partial` binds them at the pool call — the place the
//! original handed the closure over, where its values are what the closure would have seen
//! had it been sent then:
//!
//! ```text
//! def run(xs):                                def _job(x, *, k):
//!     def job(x):                                 return x * k
//!         return x * k              →
//!     k = len(xs)                             def run(xs):
//!     return pool.map(job, xs)                    k = len(xs)
//!                                                 return pool.map(functools.partial(_job, k=k), xs)
//! ```
//!
//! That is an *unsafe* fix (the value is read at the call, not inside the worker), and it
//! must never crash where the original ran: every captured name must be bound at the call
//! (`definitely_bound`), and a `Process` target — run by a forked child at `start()` with
//! the values of that moment — is refused when a captured name may be assigned between the
//! `Process(...)` call and `start()` (`start_gap`).

use tree_sitter::Node;

use crate::edit::Edit;
use crate::matcher::Site;
use crate::parse::{descendants, named_children};
use crate::resolve::{Module, ScopeId};

/// One value the lifted function receives instead of reading it from the enclosing scope.
#[derive(Debug, Clone)]
pub struct Capture {
    /// The parameter of the lifted function.
    pub param: String,
    /// The expression evaluated at the call (`k`, `self.factor`, a default's text).
    pub value: String,
    /// Local names `value` reads: each must be bound where the partial is built.
    pub reads: Vec<String>,
}

/// The parameters of a `def` or lambda: every parameter node, and where the list's text
/// starts and ends (inside the parentheses of a `def`).
pub struct Params<'t> {
    pub list: Vec<Node<'t>>,
    pub inner: std::ops::Range<usize>,
}

impl<'t> Params<'t> {
    pub fn of_def(def: Node<'t>) -> Option<Params<'t>> {
        let params = def.child_by_field_name("parameters")?;
        Some(Params {
            list: named_children(params)
                .into_iter()
                .filter(|n| n.kind() != "comment")
                .collect(),
            inner: params.start_byte() + 1..params.end_byte().saturating_sub(1),
        })
    }

    pub fn takes_kwargs(&self) -> bool {
        self.list.iter().any(|p| {
            p.kind() == "dictionary_splat_pattern"
                || named_children(*p)
                    .iter()
                    .any(|c| c.kind() == "dictionary_splat_pattern")
        })
    }
}

/// The edit adding `names` to a parameter list (after `self` when `skip_self`). Keyword-only
/// normally; when the function takes `**kwargs` they become leading positional-only
/// parameters instead, which no keyword a caller passes can reach (a keyword-only `k` would
/// take a `k=` meant for `**kwargs`). Returns the edit and whether they are positional.
pub fn capture_params(
    module: &Module,
    params: &Params,
    names: &[String],
    skip_self: bool,
) -> Result<(Edit, bool), String> {
    let mut list = params.list.clone();
    if skip_self && !list.is_empty() {
        list.remove(0);
    }
    let own: Vec<&str> = list
        .iter()
        .filter_map(|p| crate::judge::param_name(module, *p))
        .collect();
    if let Some(clash) = names.iter().find(|n| own.contains(&n.as_str())) {
        return Err(format!("`{clash}` is already a parameter"));
    }
    let joined = names.join(", ");
    if params.takes_kwargs() {
        let has_slash = list.iter().any(|p| p.kind() == "positional_separator");
        let at = list.first().map_or(params.inner.end, |p| p.start_byte());
        let text = if has_slash {
            format!("{joined}, ")
        } else {
            format!("{joined}, /, ")
        };
        return Ok((Edit::insert(at, text), true));
    }
    let has_star = list.iter().any(|p| {
        matches!(p.kind(), "keyword_separator" | "list_splat_pattern")
            || named_children(*p)
                .iter()
                .any(|c| c.kind() == "list_splat_pattern")
    });
    let before = module.src[params.inner.clone()].trim_end();
    let sep = if before.is_empty() || before.ends_with(',') || list.is_empty() {
        ""
    } else {
        ", "
    };
    let star = if has_star { "" } else { "*, " };
    let at = params.inner.start + before.len();
    Ok((Edit::insert(at, format!("{sep}{star}{joined}")), false))
}

/// Is local `name` of function `func` bound on every path to `at`? Parameters always are;
/// otherwise an earlier statement of an enclosing block must bind it unconditionally (an
/// assignment, import, `def`, `with … as`, an `if` whose every branch binds it), or `at`
/// lies inside a `for`/`with`/comprehension that binds it. A `del` anywhere means no.
pub fn definitely_bound(module: &Module, func: Node, name: &str, at: Node) -> bool {
    let deleted = descendants(func).any(|n| {
        n.kind() == "delete_statement"
            && descendants(n).any(|i| i.kind() == "identifier" && module.text(i) == name)
    });
    if deleted {
        return false;
    }
    if let Some(params) = func.child_by_field_name("parameters") {
        if named_children(params)
            .into_iter()
            .any(|p| crate::judge::param_name(module, p) == Some(name))
        {
            return true;
        }
    }
    let mut cur = at;
    while let Some(parent) = cur.parent() {
        if parent.id() == func.id() {
            return false;
        }
        let is_body = |field: &str| {
            parent
                .child_by_field_name(field)
                .is_some_and(|b| b.id() == cur.id())
        };
        match parent.kind() {
            "block" | "module" => {
                for sib in named_children(parent) {
                    if sib.start_byte() >= cur.start_byte() {
                        break;
                    }
                    if binds_surely(module, sib, name) {
                        return true;
                    }
                }
            }
            "for_statement"
                if is_body("body")
                    && parent
                        .child_by_field_name("left")
                        .is_some_and(|l| pattern_binds(module, l, name)) =>
            {
                return true;
            }
            "with_statement" if is_body("body") && with_binds(module, parent, name) => {
                return true;
            }
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                let binds = named_children(parent).into_iter().any(|c| {
                    c.kind() == "for_in_clause"
                        && c.start_byte() < cur.start_byte()
                        && c.child_by_field_name("left")
                            .is_some_and(|l| pattern_binds(module, l, name))
                });
                // The element and later clauses run inside every clause before them.
                if binds {
                    return true;
                }
            }
            _ => {}
        }
        cur = parent;
    }
    false
}

/// Does an assignment target bind `name` (not an attribute or subscript)?
fn pattern_binds(module: &Module, target: Node, name: &str) -> bool {
    match target.kind() {
        "identifier" => module.text(target) == name,
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "tuple"
        | "list"
        | "list_splat_pattern"
        | "parenthesized_expression"
        | "list_splat" => named_children(target)
            .into_iter()
            .any(|c| pattern_binds(module, c, name)),
        _ => false,
    }
}

fn with_binds(module: &Module, with: Node, name: &str) -> bool {
    descendants(with)
        .take_while(|n| {
            with.child_by_field_name("body")
                .is_none_or(|b| n.start_byte() < b.start_byte())
        })
        .filter(|n| n.kind() == "as_pattern")
        .filter_map(|n| n.child_by_field_name("alias"))
        .any(|alias| {
            let target = alias.named_child(0).unwrap_or(alias);
            pattern_binds(module, target, name)
        })
}

/// Does statement `stmt`, once it completes, always leave `name` bound?
fn binds_surely(module: &Module, stmt: Node, name: &str) -> bool {
    match stmt.kind() {
        "expression_statement" => named_children(stmt).into_iter().any(|e| {
            let mut cur = Some(e);
            while let Some(a) = cur.filter(|a| a.kind() == "assignment") {
                if a.child_by_field_name("left")
                    .is_some_and(|l| pattern_binds(module, l, name))
                    && (a.child_by_field_name("right").is_some())
                {
                    return true;
                }
                cur = a.child_by_field_name("right");
            }
            false
        }),
        "import_statement" | "import_from_statement" => descendants(stmt).any(|n| {
            let alias = n.kind() == "aliased_import"
                && n.child_by_field_name("alias")
                    .is_some_and(|a| module.text(a) == name);
            let plain = n.kind() == "dotted_name"
                && n.parent().is_some_and(|p| p.kind() != "aliased_import")
                && module.text(n).split('.').next() == Some(name)
                && stmt
                    .child_by_field_name("module_name")
                    .is_none_or(|m| m.id() != n.id());
            alias || plain
        }),
        "function_definition" | "class_definition" => stmt
            .child_by_field_name("name")
            .is_some_and(|n| module.text(n) == name),
        "decorated_definition" => stmt
            .child_by_field_name("definition")
            .is_some_and(|d| binds_surely(module, d, name)),
        "with_statement" => with_binds(module, stmt, name),
        "if_statement" => {
            let block_binds = |b: Option<Node>| {
                b.is_some_and(|b| {
                    named_children(b)
                        .into_iter()
                        .any(|s| binds_surely(module, s, name))
                })
            };
            let mut has_else = false;
            let mut all = block_binds(stmt.child_by_field_name("consequence"));
            for alt in named_children(stmt) {
                match alt.kind() {
                    "elif_clause" => all &= block_binds(alt.child_by_field_name("consequence")),
                    "else_clause" => {
                        has_else = true;
                        all &= block_binds(alt.child_by_field_name("body"));
                    }
                    _ => {}
                }
            }
            has_else && all
        }
        _ => false,
    }
}

/// Under fork, a child started from `Process(target=closure)` reads the captured values at
/// `start()`; bound at `Process(...)` they are read earlier. `Ok` when no captured name can
/// be assigned in between: `Process(...).start()`, `p = Process(...)` followed in the same
/// block by `p.start()` with no assignment to them in between, or no assignment to them
/// after the call at all (and none in a loop around it).
pub fn start_gap(
    module: &Module,
    site: &Site,
    func_scope: ScopeId,
    func: Node,
    names: &[String],
) -> Result<(), String> {
    if !site.api.starts_with("Process(") || names.is_empty() {
        return Ok(());
    }
    let call = site.call;
    let chained = call
        .parent()
        .filter(|p| p.kind() == "attribute")
        .is_some_and(|a| {
            a.child_by_field_name("attribute")
                .is_some_and(|n| module.text(n) == "start")
        });
    if chained {
        return Ok(());
    }
    let bindings: Vec<(String, usize)> = module.scopes[func_scope]
        .bindings
        .iter()
        .filter(|b| names.contains(&b.name))
        .map(|b| (b.name.clone(), b.at))
        .collect();
    let assigned_in = |range: std::ops::Range<usize>| {
        bindings
            .iter()
            .find(|(_, at)| range.contains(at))
            .map(|(n, at)| (n.clone(), at))
    };
    let line_of = |at: &usize| crate::source::row_col(module.src, *at).0;
    // `p = Process(...)` … `p.start()` in the same block.
    if let Some(start_call) = paired_start(module, call) {
        return match assigned_in(call.end_byte()..start_call) {
            Some((n, at)) => Err(format!(
                "`{n}` is assigned (line {}) between `Process(...)` and `start()`: under fork the child would see the new value",
                line_of(at)
            )),
            None => Ok(()),
        };
    }
    if let Some((n, at)) = assigned_in(call.start_byte()..func.end_byte()) {
        return Err(format!(
            "`{n}` is assigned (line {}) after `Process(...)`, which may be before `start()`: under fork the child would see the new value",
            line_of(at)
        ));
    }
    let mut cur = call;
    while let Some(p) = cur.parent() {
        if p.id() == func.id() {
            break;
        }
        if matches!(p.kind(), "for_statement" | "while_statement") {
            if let Some((n, at)) = assigned_in(p.byte_range()) {
                return Err(format!(
                    "`{n}` is assigned (line {}) in the loop around `Process(...)`: under fork a child started later would see the new value",
                    line_of(at)
                ));
            }
        }
        cur = p;
    }
    Ok(())
}

/// For `p = Process(...)` as a statement, the start of the first later `p.start()` call in a
/// statement of the same block.
fn paired_start(module: &Module, call: Node) -> Option<usize> {
    let assign = call.parent().filter(|p| p.kind() == "assignment")?;
    let var = assign
        .child_by_field_name("left")
        .filter(|l| l.kind() == "identifier")?;
    let stmt = assign
        .parent()
        .filter(|s| s.kind() == "expression_statement")?;
    let block = stmt.parent()?;
    let name = module.text(var);
    for sib in named_children(block) {
        if sib.start_byte() <= stmt.start_byte() {
            continue;
        }
        let start = descendants(sib).find(|n| {
            n.kind() == "call"
                && n.child_by_field_name("function").is_some_and(|f| {
                    f.kind() == "attribute"
                        && f.child_by_field_name("object")
                            .is_some_and(|o| o.kind() == "identifier" && module.text(o) == name)
                        && f.child_by_field_name("attribute")
                            .is_some_and(|a| module.text(a) == "start")
                })
        });
        if let Some(s) = start {
            return Some(s.start_byte());
        }
    }
    None
}

/// `{x=}` in an f-string prints its own expression: a rewrite of `x` would change output.
pub fn in_self_documenting(module: &Module, node: Node) -> bool {
    let mut cur = node;
    while let Some(p) = cur.parent() {
        if p.kind() == "interpolation" {
            let rest = &module.src[cur.end_byte()..p.end_byte()];
            let rest = rest.trim_start();
            if rest.starts_with('=') && !rest.starts_with("==") {
                return true;
            }
        }
        if matches!(p.kind(), "function_definition" | "module") {
            return false;
        }
        cur = p;
    }
    false
}
