//! Read-only instance state: attributes that an `__init__` (of the class or of a base class
//! in the project) sets and that nothing else reassigns. An unsafe fix may read such an
//! attribute when the task is sent instead of inside the worker: a bound method pickles the
//! instance at that same moment, so the worker sees the same value.
//!
//! Values that never pickle (locks, pools, files, sockets, connections) are not state a
//! fix may bind: a partial holding them fails just like the bound method.

use tree_sitter::Node;

use crate::hierarchy::{ClassKey, ClassRef, ProjectView};
use crate::parse::strip_parens;
use crate::resolve::{ClassId, Module, ScopeId};

/// Attributes of `class` assigned only in its own `__init__` with values that pickle, and
/// the other attributes it assigns through `self` anywhere (for the project index).
pub fn attribute_kinds(module: &Module, class: ClassId) -> (Vec<String>, Vec<String>) {
    let c = &module.classes[class];
    let init = c.methods_named("__init__").last();
    let mut init_only = Vec::new();
    let mut written = Vec::new();
    for (attr, assigns) in &c.self_attrs {
        let ok = init.is_some_and(|init| {
            !assigns.is_empty()
                && assigns.iter().all(|a| {
                    init.def.byte_range().contains(&a.target.start_byte())
                        && a.value
                            .is_some_and(|v| !holds_resource(module, v, init.scope))
                })
        });
        if ok {
            init_only.push(attr.clone());
        } else {
            written.push(attr.clone());
        }
    }
    init_only.sort();
    written.sort();
    (init_only, written)
}

/// `Ok` when `self.attr` of `class` is read-only state; `Err` says why not.
pub fn read_only_attr(
    module: &Module,
    class: ClassId,
    project: &ProjectView,
    attr: &str,
) -> Result<(), String> {
    let c = &module.classes[class];
    let not = |why: String| Err(format!("`self.{attr}` {why}"));
    if module.scopes[c.scope]
        .bindings
        .iter()
        .any(|b| b.name == attr)
    {
        return not(format!(
            "is defined in the body of `{}` (a method, property or class attribute)",
            c.name
        ));
    }
    let (own_init, own_written) = attribute_kinds(module, class);
    if own_written.iter().any(|a| a == attr) {
        return not(format!(
            "is assigned outside `__init__` of `{}` (or holds a value that cannot be pickled)",
            c.name
        ));
    }
    let key = ClassKey {
        file: project.own_id,
        class,
    };
    let mut found = own_init.iter().any(|a| a == attr);
    let mro = project.mro(key)?;
    for entry in mro.iter().skip(1) {
        match entry {
            ClassRef::Known(k) => {
                let (facts, idx) = project.class(*k).ok_or("a base class could not be read")?;
                let b = &facts.classes[idx];
                if b.defines.contains(attr) {
                    return not(format!(
                        "is defined in the body of base class `{}` ({})",
                        b.name,
                        project.where_is(*k)
                    ));
                }
                if b.written_attrs.contains(attr) {
                    return not(format!(
                        "is assigned outside `__init__` of base class `{}` ({})",
                        b.name,
                        project.where_is(*k)
                    ));
                }
                found |= b.init_attrs.contains(attr);
            }
            ClassRef::External(q) if q == "object" => {}
            // A library base could set or compute anything.
            _ => return not("may come from a base class outside the project".to_string()),
        }
    }
    let (subclasses, unresolved) = project.descendants(key);
    if !unresolved.is_empty() {
        return not("may be reassigned by a subclass picklefix cannot resolve".to_string());
    }
    for d in subclasses {
        if let Some((facts, idx)) = project.class(d) {
            let s = &facts.classes[idx];
            if s.defines.contains(attr) || s.written_attrs.contains(attr) {
                return not(format!(
                    "is reassigned by subclass `{}` ({})",
                    s.name,
                    project.where_is(d)
                ));
            }
        } else {
            return not("may be reassigned by a subclass that could not be read".to_string());
        }
    }
    if found {
        Ok(())
    } else {
        not("is not set in `__init__` of the class or of a base class in the project".to_string())
    }
}

/// Values that never pickle (locks, pools, files, sockets, connections): binding them into
/// a partial would fail just the same.
pub fn holds_resource(module: &Module, value: Node, scope: ScopeId) -> bool {
    let value = strip_parens(value);
    if value.kind() != "call" {
        return false;
    }
    let Some(callee) = value.child_by_field_name("function") else {
        return false;
    };
    let q = module
        .qualname(callee, scope)
        .unwrap_or_else(|| module.text(callee).to_string());
    const PREFIXES: &[&str] = &[
        "threading.",
        "multiprocessing.",
        "concurrent.futures.",
        "socket.",
        "sqlite3.",
        "queue.",
        "asyncio.",
        "subprocess.",
        "io.",
        "tempfile.",
        "logging.",
    ];
    q == "open"
        || PREFIXES.iter().any(|p| q.starts_with(p))
        || q.ends_with("connect")
        || q.ends_with("Lock")
        || q.ends_with("Pool")
        || q.ends_with("Executor")
        || q.ends_with("socket")
}
