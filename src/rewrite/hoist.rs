//! Hoist stateless methods to module level and reroute every reference.
//!
//! Worked example (`·` = the file's indent unit, here four spaces):
//!
//! ```text
//! class PageProcess:                         def single_process(page):
//! ····def single_process(self, page):        ····return len(page.strip())
//! ········return len(page.strip())      →
//! ····def run(self, xs):                     class PageProcess:
//! ········pool.map(self.single_process, xs)  ····def single_process(self, page):
//!                                            ········return single_process(page)
//!                                            ····def run(self, xs):
//!                                            ········pool.map(single_process, xs)
//! ```
//!
//! The moved text is the method's own bytes with three kinds of edits inside it: `self`
//! leaves the parameter list, `self.helper` becomes `helper`, and each line loses exactly
//! the `def` line's indentation prefix (so tabs stay tabs). Lines that start inside a
//! multi-line string are values, not code: their bytes never change.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use super::names::NamePicker;
use super::text::{deletion_range, insert_before_statement, method_range, relocate};
use crate::edit::{ensure_disjoint, Applicability, Edit, Fix};
use crate::judge::HoistSet;
use crate::parse::{call_args, descendants, named_children, strip_parens};
use crate::receivers::Receiver;
use crate::resolve::{first_param_ident, Module, ScopeId};
use crate::source::{line_start, newline_of};

struct Moved<'t> {
    index: usize,
    name: String,
    new_name: String,
    def: Node<'t>,
    /// Leading comments (if any) through the end of the last statement.
    range: Range<usize>,
}

/// Build the safe fix that hoists `set`; `Err` carries why it can't be done after all.
/// `site` is the `self.m` reference the pool receives; with read-only state it becomes
/// `functools.partial(m, x=self.x)`.
pub fn hoist<'t>(module: &Module<'t>, set: &HoistSet<'t>, site: Node<'t>) -> Result<Fix, String> {
    let src = module.src;
    let nl = newline_of(src);
    let class = &module.classes[set.class];
    if class.stmt.parent().is_none_or(|p| p.kind() != "module") {
        return Err(format!(
            "`{}` is inside a block; only top-level classes are rewritten",
            class.name
        ));
    }

    // 1. References to every moved method, module-wide.
    let moved_names: Vec<&str> = set
        .methods
        .iter()
        .map(|&i| class.methods[i].name.as_str())
        .collect();
    let mut refs = find_references(module, set, &moved_names, site);
    // Inside a moved body there is no instance left to keep `self.helper` as a value on.
    for (name, node) in &refs.values {
        if set.methods.iter().any(|&i| {
            class.methods[i]
                .def
                .byte_range()
                .contains(&node.start_byte())
        }) {
            return Err(format!(
                "`{}` (line {}) uses `{name}` as a value, not a call: only the bound method would do",
                module.text(*node),
                node.start_position().row + 1
            ));
        }
    }
    // A hoist that leaves the pool's own reference alone (`Class(...).m`) fixes nothing.
    if !refs.rerouted.iter().any(|r| r.attribute.id() == site.id()) {
        return Err(format!(
            "the reference `{}` handed to the pool cannot be rerouted",
            module.text(site)
        ));
    }
    let read_only = !set.read_attrs.is_empty();
    // Read-only state: each attribute becomes a parameter whose name the body does not
    // already use (`ast` the module vs `self.ast`).
    let mut attr_params: Vec<String> = Vec::new();
    let mut positional = false;
    if read_only {
        // Only the pool's reference and the method's own self-calls get the values bound;
        // other callers keep the wrapper.
        let target = moved_names[0];
        let target_def = class.methods[set.methods[0]].def;
        refs.rerouted.retain(|r| {
            r.method != target
                || r.attribute.id() == site.id()
                || target_def.byte_range().contains(&r.attribute.start_byte())
        });
        refs.other.insert(target.to_string());
        let used = super::closure::names_used(module, target_def);
        for a in &set.read_attrs {
            let p = super::closure::param_for_attr(&used, &attr_params, a);
            attr_params.push(p);
        }
        for node in &set.read_nodes {
            if super::capture::in_self_documenting(module, *node) {
                return Err(format!(
                    "`{{{}=}}` in an f-string prints its own text (line {})",
                    module.text(*node),
                    node.start_position().row + 1
                ));
            }
        }
        positional = super::capture::Params::of_def(target_def).is_some_and(|p| p.takes_kwargs());
    }

    // 2. New names: free at module level and in every function we reroute inside.
    let mut picker = NamePicker::new(module);
    for r in &refs.rerouted {
        picker.avoid_locals_of(r.scope);
    }
    let mut moved: Vec<Moved> = Vec::new();
    for &i in &set.methods {
        let m = &class.methods[i];
        let new_name = picker.pick(&m.name, &class.name);
        let range = method_range(src, m.def);
        if m.def.child(0).is_some_and(|k| k.kind() == "async")
            && descendants(m.def).any(|n| n.kind() == "yield")
        {
            return Err(format!("`{}` is an async generator", m.name));
        }
        moved.push(Moved {
            index: i,
            name: m.name.clone(),
            new_name,
            def: m.def,
            range,
        });
    }
    let new_name_of: HashMap<&str, &str> = moved
        .iter()
        .map(|m| (m.name.as_str(), m.new_name.as_str()))
        .collect();

    // 3. Every reroute as an edit on the original text.
    let mut reroutes: Vec<Edit> = Vec::new();
    let mut extra_edits: Vec<Edit> = Vec::new();
    let (partial, import) = if read_only {
        super::lift::partial_name(module)
    } else {
        (String::new(), None)
    };
    extra_edits.extend(import);
    // `factor=self.factor` (or `self.factor` first, positionally, beside `**kwargs`).
    let bound_values = |self_name: &str| -> String {
        set.read_attrs
            .iter()
            .zip(&attr_params)
            .map(|(a, p)| {
                if positional {
                    format!("{self_name}.{a}")
                } else {
                    format!("{p}={self_name}.{a}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let target_range = class.methods[set.methods[0]].def.byte_range();
    for r in &refs.rerouted {
        let new = new_name_of[r.method.as_str()];
        if read_only && r.attribute.id() == site.id() {
            let self_name = r
                .attribute
                .child_by_field_name("object")
                .map_or("self", |o| module.text(o));
            let text = format!("{partial}({new}, {})", bound_values(self_name));
            reroutes.push(Edit::replace(r.attribute.byte_range(), text));
            continue;
        }
        if read_only
            && r.method == moved_names[0]
            && target_range.contains(&r.attribute.start_byte())
        {
            // A self-call inside the moved method passes its own parameters on.
            let call = r.attribute.parent().ok_or("no call")?;
            let list = call
                .child_by_field_name("arguments")
                .filter(|l| l.kind() == "argument_list")
                .ok_or("a self-call with a generator argument")?;
            reroutes.push(Edit::replace(r.attribute.byte_range(), new));
            let open = list.start_byte() + 1;
            let close = list.end_byte().saturating_sub(1);
            let before = src[open..close].trim_end();
            if positional {
                let sep = if before.trim().is_empty() { "" } else { ", " };
                reroutes.push(Edit::insert(
                    open,
                    format!("{}{sep}", attr_params.join(", ")),
                ));
            } else {
                let sep = if before.trim().is_empty() {
                    ""
                } else if before.ends_with(',') {
                    " "
                } else {
                    ", "
                };
                let kw: Vec<String> = attr_params.iter().map(|p| format!("{p}={p}")).collect();
                reroutes.push(Edit::insert(
                    open + before.len(),
                    format!("{sep}{}", kw.join(", ")),
                ));
            }
            continue;
        }
        reroutes.push(Edit::replace(r.attribute.byte_range(), new));
        if let Some(arg) = r.drop_first_arg.clone() {
            reroutes.push(arg);
        }
    }
    for node in &set.to_class_attr {
        if let Some(obj) = node.child_by_field_name("object") {
            reroutes.push(Edit::replace(obj.byte_range(), class.name.clone()));
        }
    }

    // 5. What stays in the class: a wrapper, or nothing.
    let mut edits: Vec<Edit> = Vec::new();
    let body_statements = class.node.child_by_field_name("body").map_or(0, |b| {
        named_children(b)
            .iter()
            .filter(|n| n.kind() != "comment")
            .count()
    });
    let mut removable: Vec<&Moved> = moved
        .iter()
        .filter(|m| {
            m.name.starts_with('_')
                && !m.name.ends_with("__")
                && !refs.other.contains(&m.name)
                && !set.keep.contains(&m.name)
        })
        .collect();
    if removable.len() >= body_statements {
        removable.clear(); // never leave an empty class body
    }
    // 4. The module-level functions.
    let mut hoisted_texts = Vec::new();
    for (i, m) in moved.iter().enumerate() {
        let mut own = reroutes.clone();
        if read_only && i == 0 {
            for node in &set.read_nodes {
                if let Some(attr) = node.child_by_field_name("attribute") {
                    let a = module.text(attr);
                    let p = set
                        .read_attrs
                        .iter()
                        .position(|r| r == a)
                        .map_or(a, |i| attr_params[i].as_str());
                    own.push(Edit::replace(node.byte_range(), p.to_string()));
                }
            }
            let params = super::capture::Params::of_def(m.def)
                .ok_or_else(|| format!("`{}` has no parameter list", m.name))?;
            let (edit, _) = super::capture::capture_params(module, &params, &attr_params, true)?;
            own.push(edit);
        }
        let stays = !removable.iter().any(|r| r.index == m.index);
        if let Some(doc) = stays.then(|| docstring_lines(src, m.def)).flatten() {
            // The wrapper keeps the docstring (`__doc__`, doctests): one copy, in the class.
            own.push(Edit::delete(doc));
        }
        hoisted_texts.push(moved_text(module, m, &own)?);
    }

    for m in &moved {
        if removable.iter().any(|r| r.index == m.index) {
            edits.push(Edit::delete(deletion_range(src, m.range.clone())));
        } else {
            let extra = if read_only && m.index == set.methods[0] {
                let self_name = class.methods[m.index]
                    .first_param
                    .as_deref()
                    .unwrap_or("self");
                bound_values(self_name)
            } else {
                String::new()
            };
            edits.extend(wrapper_edits(module, m, &extra, positional)?);
        }
    }

    // 6. Reroutes outside the moved methods stay where they are.
    for e in reroutes {
        if !moved.iter().any(|m| m.range.contains(&e.range.start)) {
            edits.push(e);
        }
    }

    // 7. Insert before the class, its decorators and the comments right above it.
    let mut inserted = String::new();
    for text in &hoisted_texts {
        if !inserted.is_empty() {
            inserted.push_str(&format!("{nl}{nl}{nl}"));
        }
        inserted.push_str(text);
    }
    edits.push(insert_before_statement(
        src,
        class.stmt.start_byte(),
        &inserted,
    ));

    let first = &moved[0];
    let mut message = if first.new_name == first.name {
        format!("Move `{}` to module level", first.name)
    } else {
        format!(
            "Move `{}` to module level as `{}`",
            first.name, first.new_name
        )
    };
    if moved.len() > 1 {
        let helpers: Vec<String> = moved[1..].iter().map(|m| format!("`{}`", m.name)).collect();
        message.push_str(&format!(" with its helpers {}", helpers.join(", ")));
    }
    let applicability = if read_only {
        let values: Vec<String> = set
            .read_attrs
            .iter()
            .map(|a| format!("`self.{a}`"))
            .collect();
        message.push_str(&format!(
            ", binding {} with functools.partial",
            values.join(", ")
        ));
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    edits.extend(extra_edits);
    let mut fix = Fix::new(super::lift::merge_insertions(edits), applicability, message);
    fix.defines = moved.iter().map(|m| m.new_name.clone()).collect();
    ensure_disjoint(&fix.edits)?;
    Ok(fix)
}

struct Reference<'t> {
    method: String,
    attribute: Node<'t>,
    scope: ScopeId,
    /// `Class.m(obj, x)` → `m(x)`: deletes `obj, `.
    drop_first_arg: Option<Edit>,
}

struct References<'t> {
    rerouted: Vec<Reference<'t>>,
    /// Method names with references we cannot reroute (they keep a wrapper).
    other: HashSet<String>,
    /// `self.m` loads that are not calls (`WeakMethod(self.m)`, `self.m.__doc__`): a bound
    /// method is what they need, so they stay and keep the wrapper alive.
    values: Vec<(String, Node<'t>)>,
}

fn find_references<'t>(
    module: &Module<'t>,
    set: &HoistSet<'t>,
    names: &[&str],
    site: Node<'t>,
) -> References<'t> {
    let mut refs = References {
        rerouted: Vec::new(),
        other: HashSet::new(),
        values: Vec::new(),
    };
    // Only the loads whose receiver may be this class (`receivers`, computed once per
    // name): one fix costs its own references, not every `x.m` of the module.
    let mut unique: Vec<&str> = names.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut named: Vec<(&str, Receiver)> = Vec::new();
    for name in unique {
        let receivers = module.receivers(name);
        let before = named.len();
        named.extend(receivers.reaching(set.class).map(|r| (name, *r)));
        if named.len() - before < receivers.all.len() {
            // A load through something else (`other.m`, `f().m`) keeps the method.
            refs.other.insert(name.to_string());
        }
    }
    named.sort_by_key(|(_, r)| module.attributes[r.attribute].0.start_byte());
    for (name, r) in named {
        let (attr, scope) = module.attributes[r.attribute];
        let self_of_class = r.self_of == Some(set.class);
        let is_instance = r.instance_of == Some(set.class);
        let is_class = r.class_of == Some(set.class);
        let is_cls = r.cls_of == Some(set.class);
        // Only calls (`self.m(x)`) and the pool's own argument are rerouted: any other load
        // of `self.m` may rely on getting a bound method (identity, `__qualname__`,
        // `WeakMethod`).
        let as_value = !(r.called || attr.id() == site.id());
        let mut rerouted = None;
        if as_value {
            refs.values.push((name.to_string(), attr));
        } else if self_of_class || is_instance {
            rerouted = Some(None);
        } else if is_class || is_cls {
            // `Class.m(obj, x)`: the first argument was `self`.
            rerouted = first_arg_deletion(module, attr).map(Some);
        }
        match rerouted {
            Some(drop_first_arg) => refs.rerouted.push(Reference {
                method: name.to_string(),
                attribute: attr,
                scope,
                drop_first_arg,
            }),
            None => {
                refs.other.insert(name.to_string());
            }
        }
    }
    // A string that names the method (`getattr(self, "_m")`, a doctest) keeps it alive.
    for name in names {
        if crate::facts::occurrences(module, name)
            .iter()
            .any(|o| matches!(o.kind, crate::facts::OccurrenceKind::Str { .. }))
        {
            refs.other.insert(name.to_string());
        }
    }
    refs
}

/// For `Class.m(first, …)` called with a simple first argument, the edit deleting it.
fn first_arg_deletion(module: &Module, attr: Node) -> Option<Edit> {
    let call = attr.parent()?;
    if call.kind() != "call" || call.child_by_field_name("function")?.id() != attr.id() {
        return None;
    }
    let args = call_args(call, module.src);
    let first = *args.positional.first()?;
    if !matches!(first.kind(), "identifier" | "attribute") {
        return None; // evaluating it may have effects
    }
    let list = call.child_by_field_name("arguments")?;
    let rest: Vec<Node> = named_children(list)
        .into_iter()
        .filter(|n| n.kind() != "comment" && n.start_byte() > first.start_byte())
        .collect();
    let end = match rest.first() {
        Some(next) => next.start_byte(),
        None => list.end_byte().saturating_sub(1), // up to `)`
    };
    Some(Edit::delete(first.start_byte()..end))
}

/// The module-level text of one moved method.
fn moved_text(module: &Module, m: &Moved, reroutes: &[Edit]) -> Result<String, String> {
    let src = module.src;
    let mut edits: Vec<Edit> = Vec::new();
    // `def f(self, x)` → `def f(x)`; rename the function.
    if let Some(name) = m.def.child_by_field_name("name") {
        if m.new_name != m.name {
            edits.push(Edit::replace(name.byte_range(), m.new_name.clone()));
        }
    }
    let params = m
        .def
        .child_by_field_name("parameters")
        .ok_or_else(|| format!("`{}` has no parameter list", m.name))?;
    edits.push(
        self_param_removal(src, params)
            .ok_or_else(|| format!("`{}` has no `self` parameter", m.name))?,
    );
    edits.extend(
        reroutes
            .iter()
            .filter(|e| m.range.contains(&e.range.start))
            .cloned(),
    );
    relocate(src, m.def, m.range.clone(), edits).map_err(|e| format!("{e} inside `{}`", m.name))
}

/// Delete the first parameter (`self`) and what separates it from the next one.
fn self_param_removal(src: &str, params: Node) -> Option<Edit> {
    let list: Vec<Node> = named_children(params)
        .into_iter()
        .filter(|n| n.kind() != "comment")
        .collect();
    let first = *list.first()?;
    first_param_ident(first)?;
    let mut next = list.get(1).copied();
    // `def m(self, /, x)`: the `/` would be left with nothing before it.
    if next.is_some_and(|n| n.kind() == "positional_separator") {
        next = list.get(2).copied();
    }
    let end = match next {
        Some(n) => n.start_byte(),
        None => params.end_byte().saturating_sub(1),
    };
    // `self,` alone on its line (one parameter per line): the whole line goes.
    let self_line = line_start(src, first.start_byte());
    if let Some(n) = next {
        let next_line = line_start(src, n.start_byte());
        if next_line > self_line && src[self_line..first.start_byte()].trim().is_empty() {
            return Some(Edit::delete(self_line..next_line));
        }
    }
    Some(Edit::delete(first.start_byte()..end))
}

/// Replace the body with `return new(args)`; drop the comments that moved with it.
fn wrapper_edits(
    module: &Module,
    m: &Moved,
    extra_args: &str,
    extra_first: bool,
) -> Result<Vec<Edit>, String> {
    let src = module.src;
    let mut edits = Vec::new();
    let def_line = line_start(src, m.def.start_byte());
    if m.range.start < def_line {
        edits.push(Edit::delete(m.range.start..def_line));
    }
    let body = m
        .def
        .child_by_field_name("body")
        .ok_or_else(|| format!("`{}` has no body", m.name))?;
    let colon = (0..m.def.child_count())
        .filter_map(|i| m.def.child(i))
        .rfind(|c| c.kind() == ":")
        .ok_or_else(|| format!("`{}` has no `:`", m.name))?;
    let params = m
        .def
        .child_by_field_name("parameters")
        .ok_or_else(|| format!("`{}` has no parameter list", m.name))?;
    let mut args = forwarded_args(module, params);
    if !extra_args.is_empty() && extra_first {
        args = if args.is_empty() {
            extra_args.to_string()
        } else {
            format!("{extra_args}, {args}")
        };
    } else if !extra_args.is_empty() {
        if !args.is_empty() {
            args.push_str(", ");
        }
        args.push_str(extra_args);
    }
    let call = format!("{}({args})", m.new_name);
    let is_async = m.def.child(0).is_some_and(|k| k.kind() == "async");
    let stmt = if is_async {
        format!("return await {call}")
    } else {
        format!("return {call}")
    };
    if let Some(default) = impure_default(params) {
        return Err(format!(
            "the default `{}` of `{}` would be evaluated a second time by the wrapper that stays in the class",
            module.text(default),
            m.name
        ));
    }
    let statements: Vec<Node> = named_children(body)
        .into_iter()
        .filter(|n| n.kind() != "comment")
        .collect();
    // The wrapper keeps the docstring: `help()` and `Class.m.__doc__` still read it.
    let docstring = statements.first().copied().filter(|n| {
        n.kind() == "expression_statement"
            && n.named_child(0).is_some_and(|s| s.kind() == "string")
            && statements.len() > 1
    });
    if let Some(doc) = docstring {
        let indent = &src[line_start(src, doc.start_byte())..doc.start_byte()];
        let indent = if indent.trim().is_empty() {
            indent
        } else {
            "    "
        };
        let replacement = format!("{}{indent}{stmt}", newline_of(src));
        edits.push(Edit::replace(doc.end_byte()..m.range.end, replacement));
        return Ok(edits);
    }
    let first_stmt = named_children(body)
        .into_iter()
        .next()
        .map_or(body.start_byte(), |n| n.start_byte());
    let same_line = !src[colon.end_byte()..first_stmt].contains('\n');
    let replacement = if same_line {
        format!(" {stmt}")
    } else {
        let body_line = line_start(src, first_stmt);
        let indent = &src[body_line..first_stmt];
        let indent = if indent.trim().is_empty() {
            indent
        } else {
            "    "
        };
        format!("{}{indent}{stmt}", newline_of(src))
    };
    edits.push(Edit::replace(colon.end_byte()..m.range.end, replacement));
    Ok(edits)
}

/// The whole lines of a method's docstring, when statements follow it.
fn docstring_lines(src: &str, def: Node) -> Option<Range<usize>> {
    let body = def.child_by_field_name("body")?;
    let statements: Vec<Node> = named_children(body)
        .into_iter()
        .filter(|n| n.kind() != "comment")
        .collect();
    let doc = *statements.first()?;
    let next = *statements.get(1)?;
    let is_doc = doc.kind() == "expression_statement"
        && doc.named_child(0).is_some_and(|s| s.kind() == "string");
    let own_lines = line_start(src, next.start_byte()) > doc.end_byte()
        && src[line_start(src, doc.start_byte())..doc.start_byte()]
            .trim()
            .is_empty();
    (is_doc && own_lines)
        .then(|| line_start(src, doc.start_byte())..line_start(src, next.start_byte()))
}

/// A default value that is not a constant or a plain name: evaluating it twice (the hoisted
/// function and the wrapper) could run a side effect twice or split a mutable default in two.
fn impure_default(params: Node) -> Option<Node> {
    named_children(params)
        .into_iter()
        .filter_map(|p| p.child_by_field_name("value"))
        .find(|v| !is_constant_expr(*v))
}

fn is_constant_expr(node: Node) -> bool {
    let node = strip_parens(node);
    match node.kind() {
        "integer" | "float" | "true" | "false" | "none" | "identifier" | "ellipsis" => true,
        "string" => !descendants(node).any(|n| n.kind() == "interpolation"),
        "concatenated_string" => named_children(node).iter().all(|c| is_constant_expr(*c)),
        "attribute" => node
            .child_by_field_name("object")
            .is_some_and(|o| is_constant_expr(o)),
        "unary_operator" => node
            .child_by_field_name("argument")
            .is_some_and(|a| is_constant_expr(a)),
        "tuple" => named_children(node).iter().all(|c| is_constant_expr(*c)),
        _ => false,
    }
}

/// The arguments a wrapper passes on: `a, b, *args, c=c, **kw`.
fn forwarded_args(module: &Module, params: Node) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut keyword_only = false;
    let list: Vec<Node> = named_children(params)
        .into_iter()
        .filter(|n| n.kind() != "comment")
        .skip(1)
        .collect();
    for p in list {
        let inner = if p.kind() == "typed_parameter" {
            named_children(p).into_iter().next().unwrap_or(p)
        } else {
            p
        };
        match inner.kind() {
            "keyword_separator" => keyword_only = true,
            "positional_separator" => {}
            "list_splat_pattern" => {
                if let Some(id) = first_param_ident(inner) {
                    out.push(format!("*{}", module.text(id)));
                }
                keyword_only = true;
            }
            "dictionary_splat_pattern" => {
                if let Some(id) = first_param_ident(inner) {
                    out.push(format!("**{}", module.text(id)));
                }
            }
            _ => {
                if let Some(id) = first_param_ident(p) {
                    let name = module.text(id);
                    out.push(if keyword_only {
                        format!("{name}={name}")
                    } else {
                        name.to_string()
                    });
                }
            }
        }
    }
    out.join(", ")
}
