//! What the callable handed to a pool is, and whether a bound method may be hoisted.
//!
//! `classify` names the callable (bound method, lambda, local function, …). For a bound
//! method, `judge_method` applies the safety rules of DESIGN §4 and either returns the set
//! of methods to hoist together (the method and the stateless `self.helper`s it calls) or
//! the first reason it must stay where it is.

use std::collections::{BTreeSet, HashSet};

use tree_sitter::Node;

use crate::parse::{call_args, descendants, named_children, strip_parens};
use crate::resolve::{
    first_param_ident, Binding, BindingValue, ClassId, Module, ScopeId, ScopeKind, MODULE_SCOPE,
};

/// Cross-file knowledge: is `Class.method` overridden by a subclass anywhere in the run?
pub trait Overrides: Sync {
    /// A description of the overriding class (`Sub in pkg/mod.py`), if any.
    fn overridden_by(&self, class: &str, method: &str) -> Option<String>;
}

/// No other files: only what the module itself shows.
pub struct NoOverrides;
impl Overrides for NoOverrides {
    fn overridden_by(&self, _: &str, _: &str) -> Option<String> {
        None
    }
}

#[derive(Debug, Clone)]
pub enum Callable<'t> {
    /// `self.m`, `obj.m` (obj an instance of a module class), maybe inside `partial(...)`.
    BoundMethod {
        class: ClassId,
        method: String,
        /// The `self.m` attribute node.
        reference: Node<'t>,
    },
    /// `self.m` where `m` is not defined in the class body (inherited or dynamic).
    InheritedMethod {
        class: ClassId,
        method: String,
    },
    Lambda(Node<'t>),
    /// A `def` inside a function, or a method of a class defined inside a function (then
    /// `def` is that class: lifting the class is the fix).
    LocalFunction {
        def: Option<Node<'t>>,
        name: String,
    },
    /// A `def` under `if __name__ == "__main__":`.
    MainGuardFunction {
        def: Node<'t>,
        name: String,
    },
    /// Pickles fine (module function, builtin, staticmethod, classmethod, `Class.m`…).
    Fine,
    Unknown,
}

/// Name what `node` is, following `partial(...)` and one level of local variables.
pub fn classify<'t>(
    module: &Module<'t>,
    node: Node<'t>,
    scope: ScopeId,
    depth: u8,
) -> Callable<'t> {
    if depth > 4 {
        return Callable::Unknown;
    }
    let node = strip_parens(node);
    match node.kind() {
        "lambda" => Callable::Lambda(node),
        "call" => {
            let Some(callee) = node.child_by_field_name("function") else {
                return Callable::Unknown;
            };
            match module.qualname(callee, scope).as_deref() {
                Some("functools.partial") | Some("functools.partialmethod") => {
                    match call_args(node, module.src).positional.first() {
                        Some(inner) => classify(module, *inner, scope, depth + 1),
                        None => Callable::Unknown,
                    }
                }
                _ => Callable::Unknown,
            }
        }
        "attribute" => classify_attribute(module, node, scope),
        "identifier" => {
            let name = module.text(node);
            match module.lookup(scope, name, node.start_byte()) {
                Some((s, Binding { value, .. })) => match value {
                    BindingValue::Function(def) => classify_function(module, *def, s, name),
                    BindingValue::Value(v) => classify(module, *v, s, depth + 1),
                    BindingValue::Class(_) | BindingValue::Import(_) => Callable::Fine,
                    _ => Callable::Unknown,
                },
                None => Callable::Fine, // a builtin
            }
        }
        _ => Callable::Unknown,
    }
}

fn classify_function<'t>(
    module: &Module<'t>,
    def: Node<'t>,
    scope: ScopeId,
    name: &str,
) -> Callable<'t> {
    if module.is_inside_function(scope) {
        return Callable::LocalFunction {
            def: Some(def),
            name: name.to_string(),
        };
    }
    if scope == MODULE_SCOPE && module.in_main_guard(def.start_byte()) {
        return Callable::MainGuardFunction {
            def,
            name: name.to_string(),
        };
    }
    Callable::Fine
}

fn classify_attribute<'t>(module: &Module<'t>, node: Node<'t>, scope: ScopeId) -> Callable<'t> {
    let (Some(obj), Some(attr)) = (
        node.child_by_field_name("object"),
        node.child_by_field_name("attribute"),
    ) else {
        return Callable::Unknown;
    };
    let method = module.text(attr);
    let obj = strip_parens(obj);
    // `self.m` inside a method.
    if obj.kind() == "identifier" {
        if let Some((class, self_name)) = module.method_context(scope) {
            if module.text(obj) == self_name {
                return bound_or_fine(module, class, method, node, true);
            }
        }
        match module.lookup(scope, module.text(obj), obj.start_byte()) {
            // `Class.m` is a plain function: pickles by qualified name, unless the class is local.
            Some((
                s,
                Binding {
                    value: BindingValue::Class(c),
                    ..
                },
            )) => {
                if module.is_inside_function(s) {
                    return Callable::LocalFunction {
                        def: Some(module.classes[*c].node),
                        name: format!("{}.{method}", module.classes[*c].name),
                    };
                }
                Callable::Fine
            }
            // `obj = Class(...)`, then `obj.m`.
            Some((
                s,
                Binding {
                    value: BindingValue::Value(v),
                    ..
                },
            )) => match instance_class(module, *v, s) {
                Some(c) => bound_or_fine(module, c, method, node, false),
                None => Callable::Unknown,
            },
            _ => Callable::Unknown,
        }
    } else if obj.kind() == "call" {
        // `Class(...).m`
        match instance_class(module, obj, scope) {
            Some(c) => bound_or_fine(module, c, method, node, false),
            None => Callable::Unknown,
        }
    } else {
        Callable::Unknown
    }
}

/// `Class(...)` where `Class` is a class of this module.
pub fn instance_class(module: &Module, value: Node, scope: ScopeId) -> Option<ClassId> {
    let value = strip_parens(value);
    if value.kind() != "call" {
        return None;
    }
    let callee = value.child_by_field_name("function")?;
    if callee.kind() != "identifier" {
        return None;
    }
    match module.lookup(scope, module.text(callee), callee.start_byte()) {
        Some((
            _,
            Binding {
                value: BindingValue::Class(c),
                ..
            },
        )) => Some(*c),
        _ => None,
    }
}

fn bound_or_fine<'t>(
    module: &Module<'t>,
    class: ClassId,
    method: &str,
    reference: Node<'t>,
    via_self: bool,
) -> Callable<'t> {
    let c = &module.classes[class];
    let local_class = module.is_inside_function(c.parent_scope);
    let defs: Vec<_> = c.methods_named(method).collect();
    if local_class {
        return Callable::LocalFunction {
            def: Some(c.node),
            name: format!("{}.{method}", c.name),
        };
    }
    match defs.last() {
        Some(m) if m.is_staticmethod() || m.is_classmethod() => Callable::Fine,
        Some(_) => Callable::BoundMethod {
            class,
            method: method.to_string(),
            reference,
        },
        None => {
            // An instance attribute holding some callable is not a bound method of ours.
            if c.self_attrs.contains_key(method)
                || module.scopes[c.scope]
                    .bindings
                    .iter()
                    .any(|b| b.name == method)
            {
                return Callable::Unknown;
            }
            // Inherited from a base class of this module?
            let inherited = c.base_names.iter().any(|b| {
                module.classes.iter().any(|k| {
                    &k.name == b && k.methods_named(method).any(|m| m.is_instance_method())
                })
            });
            if inherited && via_self {
                Callable::InheritedMethod {
                    class,
                    method: method.to_string(),
                }
            } else {
                Callable::Unknown
            }
        }
    }
}

/// The result of judging a bound method for a hoist.
#[derive(Debug)]
pub enum MethodVerdict<'t> {
    /// Hoist these methods (indices into the class's methods; the judged one first) and
    /// point `self.static_helper` uses at `Class.static_helper`.
    Stateless(HoistSet<'t>),
    /// Uses the instance: report only.
    Stateful { reason: String },
    /// Stateless, but a safety rule forbids moving it.
    Refused { reason: String },
}

#[derive(Debug, Clone)]
pub struct HoistSet<'t> {
    pub class: ClassId,
    pub methods: Vec<usize>,
    /// `self.x` nodes that must become `Class.x` (static/class methods used by the hoist).
    pub to_class_attr: Vec<Node<'t>>,
    /// Read-only state: `self.x` attributes the judged method reads, set only in
    /// `__init__`. Non-empty makes the hoist unsafe (values are bound at the call site).
    pub read_attrs: Vec<String>,
    /// The `self.x` nodes for those reads (become plain `x`).
    pub read_nodes: Vec<Node<'t>>,
}

const PICKLE_HOOKS: &[&str] = &[
    "__getstate__",
    "__setstate__",
    "__reduce__",
    "__reduce_ex__",
    "__getnewargs__",
    "__getnewargs_ex__",
];

pub fn judge_method<'t>(
    module: &Module<'t>,
    class: ClassId,
    method: &str,
    overrides: &dyn Overrides,
) -> MethodVerdict<'t> {
    let c = &module.classes[class];
    if c.parent_scope != MODULE_SCOPE {
        return MethodVerdict::Refused {
            reason: format!(
                "`{}` is a nested class; only module-level classes are rewritten",
                c.name
            ),
        };
    }
    if c.base_names.iter().any(|b| b == "Protocol") {
        return MethodVerdict::Refused {
            reason: format!("`{}` is a typing.Protocol", c.name),
        };
    }
    if let Some(hook) = PICKLE_HOOKS
        .iter()
        .find(|h| c.methods_named(h).next().is_some())
    {
        return MethodVerdict::Refused {
            reason: format!(
                "`{}` defines `{hook}`: its author controls how it pickles",
                c.name
            ),
        };
    }
    let mut queue = vec![method.to_string()];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut set = HoistSet {
        class,
        methods: Vec::new(),
        to_class_attr: Vec::new(),
        read_attrs: Vec::new(),
        read_nodes: Vec::new(),
    };
    while let Some(name) = queue.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let via = if name == method {
            String::new()
        } else {
            format!(" (through `self.{name}`)")
        };
        let defs: Vec<usize> = c
            .methods
            .iter()
            .enumerate()
            .filter(|(_, m)| m.name == name)
            .map(|(i, _)| i)
            .collect();
        let [index] = defs[..] else {
            return MethodVerdict::Refused {
                reason: format!(
                    "`{name}` is defined {} times in `{}`{via}",
                    defs.len(),
                    c.name
                ),
            };
        };
        let m = &c.methods[index];
        if let Some(d) = m.decorators.first() {
            return MethodVerdict::Refused {
                reason: format!("`{name}` is decorated with `@{d}`{via}"),
            };
        }
        let Some(self_name) = m.first_param.clone() else {
            return MethodVerdict::Refused {
                reason: format!("`{name}` has no plain `self` parameter{via}"),
            };
        };
        if let Some(by) = overrides.overridden_by(&c.name, &name) {
            return MethodVerdict::Refused {
                reason: format!("`{}.{name}` is overridden by {by}{via}", c.name),
            };
        }
        if is_placeholder(module, m.def) {
            return MethodVerdict::Refused {
                reason: format!(
                    "`{name}` only raises NotImplementedError: it is meant to be overridden{via}"
                ),
            };
        }
        if let Some(reason) = class_scoped_signature(module, class, m.def) {
            return MethodVerdict::Refused {
                reason: format!("{reason}{via}"),
            };
        }
        let Some(body) = m.def.child_by_field_name("body") else {
            continue;
        };
        let mut handled: HashSet<usize> = HashSet::new();
        for node in descendants(body) {
            match node.kind() {
                "attribute" => {
                    let (Some(obj), Some(attr)) = (
                        node.child_by_field_name("object"),
                        node.child_by_field_name("attribute"),
                    ) else {
                        continue;
                    };
                    let attr_name = module.text(attr);
                    if obj.kind() != "identifier" || module.text(obj) != self_name {
                        if is_mangled(attr_name) {
                            return refused_mangled(attr_name, &via);
                        }
                        continue;
                    }
                    handled.insert(obj.id());
                    let line = node.start_position().row + 1;
                    let targets: Vec<_> = c.methods_named(attr_name).collect();
                    match targets.last() {
                        Some(t) if t.is_instance_method() => queue.push(attr_name.to_string()),
                        Some(_) => set.to_class_attr.push(node),
                        None if name == method
                            && !is_write_target(node)
                            && set_only_in_init(module, class, attr_name) =>
                        {
                            if !set.read_attrs.iter().any(|a| a == attr_name) {
                                set.read_attrs.push(attr_name.to_string());
                            }
                            set.read_nodes.push(node);
                        }
                        None => {
                            let verb = if is_write_target(node) {
                                "writes"
                            } else {
                                "reads"
                            };
                            return MethodVerdict::Stateful {
                                reason: format!(
                                    "`{name}` {verb} `{self_name}.{attr_name}` (line {line})"
                                ),
                            };
                        }
                    }
                }
                "identifier" => {
                    let t = module.text(node);
                    if t == self_name && !handled.contains(&node.id()) {
                        return MethodVerdict::Stateful {
                            reason: format!(
                                "`{name}` uses `{self_name}` itself (line {})",
                                node.start_position().row + 1
                            ),
                        };
                    }
                    if t == "super" || t == "__class__" {
                        return MethodVerdict::Stateful {
                            reason: format!(
                                "`{name}` uses `{t}` (line {})",
                                node.start_position().row + 1
                            ),
                        };
                    }
                    if is_mangled(t) {
                        return refused_mangled(t, &via);
                    }
                }
                _ => {}
            }
        }
        set.methods.push(index);
    }
    // The judged method first, then helpers in source order.
    let first = set
        .methods
        .iter()
        .position(|&i| c.methods[i].name == method);
    if let Some(p) = first {
        let f = set.methods.remove(p);
        set.methods.sort_unstable();
        set.methods.insert(0, f);
    }
    MethodVerdict::Stateless(set)
}

/// `self.x` is assigned in `__init__` and nowhere else (nor is it a class attribute), so
/// reading it in a worker gives the value it had when the task was sent.
fn set_only_in_init(module: &Module, class: ClassId, attr: &str) -> bool {
    let c = &module.classes[class];
    let Some(assigns) = c.self_attrs.get(attr) else {
        return false;
    };
    let Some(init) = c.methods_named("__init__").last() else {
        return false;
    };
    let class_level = module.scopes[c.scope]
        .bindings
        .iter()
        .any(|b| b.name == attr);
    let init_scope = init.scope;
    !class_level
        && !assigns.is_empty()
        && assigns.iter().all(|a| {
            init.def.byte_range().contains(&a.target.start_byte())
                && a.value
                    .is_some_and(|v| !holds_resource(module, v, init_scope))
        })
}

/// Values that never pickle (locks, pools, files, sockets, connections): binding them into
/// a partial would fail just the same.
fn holds_resource(module: &Module, value: Node, scope: ScopeId) -> bool {
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
}

fn refused_mangled<'t>(name: &str, via: &str) -> MethodVerdict<'t> {
    MethodVerdict::Refused {
        reason: format!("the body names `{name}`, which Python mangles inside the class{via}"),
    }
}

/// `__x` (not a dunder) gets name-mangled inside a class body.
pub fn is_mangled(name: &str) -> bool {
    name.starts_with("__") && !name.ends_with("__")
}

fn is_write_target(attr: Node) -> bool {
    match attr.parent() {
        Some(p) if matches!(p.kind(), "assignment" | "augmented_assignment") => p
            .child_by_field_name("left")
            .is_some_and(|l| l.id() == attr.id()),
        Some(p) if matches!(p.kind(), "pattern_list" | "tuple_pattern") => true,
        _ => false,
    }
}

/// Body is (docstring +) `raise NotImplementedError[(...)]`.
fn is_placeholder(module: &Module, def: Node) -> bool {
    let Some(body) = def.child_by_field_name("body") else {
        return false;
    };
    let stmts: Vec<Node> = named_children(body)
        .into_iter()
        .filter(|n| n.kind() != "comment")
        .filter(|n| {
            !(n.kind() == "expression_statement"
                && n.named_child(0).is_some_and(|s| s.kind() == "string"))
        })
        .collect();
    match stmts[..] {
        [only] if only.kind() == "raise_statement" => {
            let t = module.text(only);
            t.contains("NotImplementedError")
        }
        _ => false,
    }
}

/// Defaults and annotations run in the class body today: names bound there would break.
fn class_scoped_signature(module: &Module, class: ClassId, def: Node) -> Option<String> {
    let class_scope = module.classes[class].scope;
    let class_names: HashSet<&str> = module.scopes[class_scope]
        .bindings
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    let mut parts: Vec<Node> = Vec::new();
    if let Some(params) = def.child_by_field_name("parameters") {
        for p in named_children(params) {
            parts.extend(p.child_by_field_name("value"));
            parts.extend(p.child_by_field_name("type"));
        }
    }
    parts.extend(def.child_by_field_name("return_type"));
    for part in parts {
        for n in descendants(part) {
            if n.kind() == "identifier" && class_names.contains(module.text(n)) {
                let is_attr_name = n.parent().is_some_and(|p| {
                    p.kind() == "attribute"
                        && p.child_by_field_name("attribute")
                            .is_some_and(|a| a.id() == n.id())
                });
                if !is_attr_name {
                    return Some(format!(
                        "a default value or annotation of `{}` uses `{}` from the class body",
                        module.text(def.child_by_field_name("name")?),
                        module.text(n)
                    ));
                }
            }
        }
    }
    None
}

/// Does a lambda or function close over names of enclosing function scopes?
pub fn closure_names<'t>(module: &Module<'t>, def: Node<'t>) -> Vec<String> {
    let Some(own) = module.scope_of_def(def) else {
        return Vec::new();
    };
    // A def naming itself (recursion, `L()` inside class `L`) is not a closure: once lifted,
    // the name is bound at module level.
    let own_name = def.child_by_field_name("name").map(|n| module.text(n));
    let mut names: Vec<String> = Vec::new();
    for &(ident, scope) in &module.identifiers {
        if !def.byte_range().contains(&ident.start_byte()) {
            continue;
        }
        let name = module.text(ident);
        if Some(name) == own_name {
            continue;
        }
        if let Some((s, _)) = module.lookup(scope, name, ident.start_byte()) {
            // Bound in a function scope that encloses the def (not the def or inside it).
            let sc = &module.scopes[s];
            let enclosing = matches!(sc.kind, ScopeKind::Function | ScopeKind::Lambda)
                && sc.node.byte_range().contains(&def.start_byte())
                && s != own
                && !def.byte_range().contains(&sc.node.start_byte());
            if enclosing && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// The identifier a parameter binds (re-exported for the rewriter).
pub fn param_name<'t>(module: &Module<'t>, p: Node<'t>) -> Option<&'t str> {
    first_param_ident(p).map(|i| module.text(i))
}
