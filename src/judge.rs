//! What the callable handed to a pool is, and whether a bound method may be hoisted.
//!
//! `classify` names the callable (bound method, lambda, local function, …). For a bound
//! method, `judge_method` applies the safety rules of DESIGN §4 and either returns the set
//! of methods to hoist together (the method and the stateless `self.helper`s it calls) or
//! the first reason it must stay where it is.

use std::collections::{BTreeSet, HashSet};

use tree_sitter::Node;

use crate::facts::OccurrenceKind;
use crate::hierarchy::{ClassKey, ClassRef, ProjectView};
use crate::index::FileId;
use crate::parse::{call_args, descendants, named_children, string_value, strip_parens};
use crate::render::display_path;
use crate::resolve::{
    first_param_ident, Binding, BindingValue, ClassId, Module, ScopeId, ScopeKind, MODULE_SCOPE,
};

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
        // `m = staticmethod(m)` later in the body: the kind comes from the rebinding.
        Some(m) if rebound_as_descriptor(module, class, method, m.def.end_byte()) => Callable::Fine,
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

/// Is `method` rebound after `after` in the class body as `staticmethod(...)` or
/// `classmethod(...)`? (Both pickle by qualified name.)
fn rebound_as_descriptor(module: &Module, class: ClassId, method: &str, after: usize) -> bool {
    let scope = module.classes[class].scope;
    let last = module.scopes[scope]
        .bindings
        .iter()
        .rfind(|b| b.name == method && b.at >= after);
    let Some(Binding {
        value: BindingValue::Value(v),
        ..
    }) = last
    else {
        return false;
    };
    let v = strip_parens(*v);
    v.kind() == "call"
        && v.child_by_field_name("function").is_some_and(|f| {
            matches!(
                module.text(f),
                "staticmethod" | "classmethod" | "builtins.staticmethod" | "builtins.classmethod"
            )
        })
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
    /// Methods that must stay as wrappers whatever the module shows: their names occur in
    /// another file, a base outside the project may call them, or they override a base's.
    pub keep: BTreeSet<String>,
}

const PICKLE_HOOKS: &[&str] = &[
    "__getstate__",
    "__setstate__",
    "__reduce__",
    "__reduce_ex__",
    "__getnewargs__",
    "__getnewargs_ex__",
];

/// Judge `self.method` of `class` for a hoist. A hoist is *allowed* only when every
/// occurrence of every moved name in the project, and every way the bodies can reach the
/// instance or the class, is accounted for; the first thing that is not is the reason.
pub fn judge_method<'t>(
    module: &Module<'t>,
    class: ClassId,
    method: &str,
    project: &ProjectView,
) -> MethodVerdict<'t> {
    let refused = |reason: String| MethodVerdict::Refused { reason };
    let c = &module.classes[class];
    if c.parent_scope != MODULE_SCOPE {
        return refused(format!(
            "`{}` is a nested class; only module-level classes are rewritten",
            c.name
        ));
    }
    if let Err(reason) = class_decorators_allowed(module, class) {
        return refused(reason);
    }
    let key = ClassKey {
        file: project.own_id,
        class,
    };
    let family = match Family::of(project, key) {
        Ok(f) => f,
        Err(reason) => return refused(reason),
    };
    let mut queue = vec![method.to_string()];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut set = HoistSet {
        class,
        methods: Vec::new(),
        to_class_attr: Vec::new(),
        read_attrs: Vec::new(),
        read_nodes: Vec::new(),
        keep: BTreeSet::new(),
    };
    // Every name whose lookup through the instance the fix replaces: moved methods and the
    // static helpers that become `Class.helper`.
    let mut resolved_names: Vec<String> = Vec::new();
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
            return refused(format!(
                "`{name}` is defined {} times in `{}`{via}",
                defs.len(),
                c.name
            ));
        };
        let m = &c.methods[index];
        if let Some(d) = m.decorators.first() {
            return refused(format!("`{name}` is decorated with `@{d}`{via}"));
        }
        let Some(self_name) = m.first_param.clone() else {
            return refused(format!("`{name}` has no plain `self` parameter{via}"));
        };
        if is_placeholder(module, m.def) {
            return refused(format!(
                "`{name}` only raises NotImplementedError: it is meant to be overridden{via}"
            ));
        }
        if let Some(reason) = class_scoped_signature(module, class, m.def) {
            return refused(format!("{reason}{via}"));
        }
        resolved_names.push(name.clone());
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
                    if let Some(what) = FRAME_ATTRIBUTES.iter().find(|a| **a == attr_name) {
                        return MethodVerdict::Stateful {
                            reason: format!(
                                "`{name}` uses `.{what}` (line {}): it can reach the instance through a frame",
                                node.start_position().row + 1
                            ),
                        };
                    }
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
                        Some(t) if t.is_classmethod() => {
                            return MethodVerdict::Stateful {
                                reason: format!(
                                    "`{name}` calls the classmethod `{self_name}.{attr_name}` (line {line}): it uses the instance's class"
                                ),
                            }
                        }
                        Some(_) => {
                            set.to_class_attr.push(node);
                            if !resolved_names.iter().any(|n| n == attr_name) {
                                resolved_names.push(attr_name.to_string());
                            }
                        }
                        None if name == method
                            && !is_write_target(node)
                            && crate::state::read_only_attr(module, class, project, attr_name)
                                .is_ok() =>
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
                            // Why a read is not read-only state, when that is the question.
                            let why = if verb == "reads" && name == method {
                                crate::state::read_only_attr(module, class, project, attr_name)
                                    .err()
                                    .map_or(String::new(), |w| format!(", and {w}"))
                            } else {
                                String::new()
                            };
                            return MethodVerdict::Stateful {
                                reason: format!(
                                    "`{name}` {verb} `{self_name}.{attr_name}` (line {line}){why}"
                                ),
                            };
                        }
                    }
                }
                "identifier" => {
                    let t = module.text(node);
                    let line = node.start_position().row + 1;
                    if t == self_name && !handled.contains(&node.id()) {
                        return MethodVerdict::Stateful {
                            reason: format!("`{name}` uses `{self_name}` itself (line {line})"),
                        };
                    }
                    if t == "super" || t == "__class__" {
                        return MethodVerdict::Stateful {
                            reason: format!("`{name}` uses `{t}` (line {line})"),
                        };
                    }
                    if FRAME_BUILTINS.contains(&t) && is_builtin_use(module, node) {
                        return MethodVerdict::Stateful {
                            reason: format!(
                                "`{name}` calls `{t}` (line {line}): it can reach the instance without naming `{self_name}`"
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
    // Where attributes are written by computed names, a string or keyword spelling a method's
    // name may become an instance attribute that shadows it.
    let computed_write = project.computed_attribute_write(module);
    for name in &resolved_names {
        if let Err(reason) = family.resolves_here(project, name) {
            return refused(reason);
        }
        if let Err(reason) =
            own_occurrences_accounted(module, class, name, computed_write.as_deref())
        {
            return refused(reason);
        }
        match elsewhere(project, name, computed_write.as_deref()) {
            Ok(true) => {
                set.keep.insert(name.clone());
            }
            Ok(false) => {}
            Err(reason) => return refused(reason),
        }
        if family.library_base || family.ancestors_define.contains(name) {
            set.keep.insert(name.clone());
        }
        // A name computed at run time (from data, an enum, a config file) can reach any
        // method: with such a lookup anywhere in the project, nothing is removed.
        if name.starts_with('_') && dynamic_lookup_in_project(module, project) {
            set.keep.insert(name.clone());
        }
    }
    if let Err(reason) = dynamic_attribute_access(module, class, &resolved_names) {
        return refused(reason);
    }
    if let Err(reason) = class_uses_accounted(module, class, project, &resolved_names) {
        return refused(reason);
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

/// Attributes that lead from a frame or traceback to its locals (`self` among them).
const FRAME_ATTRIBUTES: &[&str] = &[
    "_getframe",
    "currentframe",
    "getouterframes",
    "getinnerframes",
    "f_back",
    "f_locals",
    "tb_frame",
];

/// Builtins that see the caller's local names without naming them.
const FRAME_BUILTINS: &[&str] = &["locals", "vars", "eval", "exec", "breakpoint", "dir"];

/// `name` is not bound anywhere the lookup reaches: the builtin.
fn is_builtin_use(module: &Module, ident: Node) -> bool {
    let scope = module
        .identifiers
        .iter()
        .find(|(n, _)| n.id() == ident.id())
        .map(|(_, s)| *s);
    match scope {
        Some(s) => module
            .lookup(s, module.text(ident), ident.start_byte())
            .is_none(),
        None => true,
    }
}

fn dynamic_lookup_in_project(module: &Module, project: &ProjectView) -> bool {
    const LOOKUPS: &[&str] = &["getattr", "methodcaller", "attrgetter"];
    // This module as it is now (it may carry earlier fixes); the others as on disk.
    LOOKUPS.iter().any(|w| {
        module.identifiers_named(w).next().is_some() || module.attributes_named(w).next().is_some()
    }) || LOOKUPS
        .iter()
        .any(|w| !project.index.files_with_word(w).is_empty())
}

/// What the project says about a class: its linearisation and its subclasses'.
struct Family {
    /// A base outside the project: it may call any method by name.
    library_base: bool,
    /// Names defined by project ancestors after the class in its MRO (the class overrides).
    ancestors_define: HashSet<String>,
    /// Every project subclass with its linearisation.
    descendants: Vec<(ClassKey, Vec<ClassRef>)>,
    key: ClassKey,
}

/// Class-level hooks that change how attributes are found, bound or created, or that run in
/// a worker when it unpickles (or drops) the instance a bound method carries there.
const LOOKUP_HOOKS: &[&str] = &[
    "__getattribute__",
    "__init_subclass__",
    "__new__",
    "__del__",
];

/// Library bases whose instances unpickle by calling the class: `__init__` runs in every
/// worker that receives a bound method, and would not after a hoist.
fn rebuilt_by_calling(qualname: &str) -> bool {
    const CALLED: &[&str] = &[
        "collections.OrderedDict",
        "collections.defaultdict",
        "collections.deque",
        "collections.Counter",
        "BaseException",
        "Exception",
    ];
    let last = qualname.rsplit('.').next().unwrap_or(qualname);
    CALLED.contains(&qualname)
        || ((qualname == last || qualname.starts_with("builtins."))
            && (last.ends_with("Error")
                || last.ends_with("Exception")
                || last.ends_with("Warning")))
}

impl Family {
    fn of(project: &ProjectView, key: ClassKey) -> Result<Family, String> {
        let mro = project.mro(key)?;
        let mut library_base = false;
        let mut ancestors_define = HashSet::new();
        for (i, entry) in mro.iter().enumerate() {
            match entry {
                ClassRef::Known(k) => {
                    let (facts, idx) = project.class(*k).ok_or("a base class could not be read")?;
                    let c = &facts.classes[idx];
                    let at = project.where_is(*k);
                    if let Some(kw) = c.keywords.first() {
                        return Err(format!(
                            "`{}` ({at}) is created with `{kw}=`: a metaclass or `__init_subclass__` may wrap or replace its methods",
                            c.name
                        ));
                    }
                    if let Some(hook) = PICKLE_HOOKS.iter().find(|h| c.defines.contains(**h)) {
                        return Err(format!(
                            "`{}` ({at}) defines `{hook}`: its author controls how it pickles",
                            c.name
                        ));
                    }
                    if let Some(hook) = LOOKUP_HOOKS.iter().find(|h| c.defines.contains(**h)) {
                        return Err(format!(
                            "`{}` ({at}) defines `{hook}`: it changes how methods are found or bound",
                            c.name
                        ));
                    }
                    if i > 0 {
                        ancestors_define.extend(c.defines.iter().cloned());
                    }
                }
                ClassRef::External(q) => {
                    if q.ends_with("Protocol") {
                        return Err(format!("`{}` is a typing.Protocol", project.name_of(key)));
                    }
                    if rebuilt_by_calling(q) {
                        return Err(format!(
                            "`{}` derives from `{q}`, whose instances are rebuilt by calling the class when unpickled: `__init__` runs in every worker today",
                            project.name_of(key)
                        ));
                    }
                    if q != "object" {
                        library_base = true;
                    }
                }
                ClassRef::Unknown(text) => {
                    return Err(format!(
                        "`{}` ({}) derives from `{}`, which picklefix cannot resolve",
                        project.name_of(key),
                        project.where_is(key),
                        text.trim_matches('"')
                    ));
                }
            }
        }
        let mut descendants = Vec::new();
        let (found, maybe) = project.descendants(key);
        if let Some((m, base)) = maybe.first() {
            return Err(format!(
                "`{}` ({}) derives from `{}`, which picklefix cannot resolve: it may be `{}`",
                project.name_of(*m),
                project.where_is(*m),
                base.trim_matches('"'),
                project.name_of(key)
            ));
        }
        for d in found {
            let mro = project.mro(d)?;
            if let Some((facts, idx)) = project.class(d) {
                let c = &facts.classes[idx];
                if let Some(kw) = c.keywords.first() {
                    return Err(format!(
                        "subclass `{}` ({}) is created with `{kw}=`: a metaclass may wrap inherited methods",
                        c.name,
                        project.where_is(d)
                    ));
                }
                if let Some(dec) = c.decorators.iter().find(|d| !is_known_class_decorator(d)) {
                    return Err(format!(
                        "subclass `{}` ({}) is decorated with `@{dec}`, which may wrap inherited methods",
                        c.name,
                        project.where_is(d)
                    ));
                }
            }
            descendants.push((d, mro));
        }
        Ok(Family {
            library_base,
            ancestors_define,
            descendants,
            key,
        })
    }

    /// For every project subclass, `instance.name` must still find the class's own `name`.
    fn resolves_here(&self, project: &ProjectView, name: &str) -> Result<(), String> {
        let own = ClassRef::Known(self.key);
        let class_name = project.name_of(self.key);
        for (d, mro) in &self.descendants {
            let d_name = project.name_of(*d);
            let d_at = project.where_is(*d);
            for entry in mro.iter().take_while(|e| **e != own) {
                match entry {
                    ClassRef::Known(k) => {
                        let Some((facts, idx)) = project.class(*k) else {
                            return Err(format!(
                                "`{d_name}` ({d_at}) has a base that could not be read"
                            ));
                        };
                        let c = &facts.classes[idx];
                        if c.defines.contains(name) || c.defines.contains("__getattribute__") {
                            let what = if c.defines.contains(name) {
                                name
                            } else {
                                "__getattribute__"
                            };
                            return Err(if k == d && what == name {
                                format!(
                                    "`{class_name}.{name}` is overridden by `{d_name}` ({d_at})"
                                )
                            } else if k == d {
                                format!("subclass `{d_name}` ({d_at}) defines `{what}`")
                            } else {
                                format!(
                                    "`{d_name}` ({d_at}) gets `{what}` from `{}` ({}), ahead of `{class_name}` in its MRO",
                                    c.name,
                                    project.where_is(*k)
                                )
                            });
                        }
                    }
                    ClassRef::External(q) if q == "object" => {}
                    ClassRef::External(q) | ClassRef::Unknown(q) => {
                        return Err(format!(
                            "`{d_name}` ({d_at}) inherits from `{q}` ahead of `{class_name}`; picklefix cannot see whether it defines `{name}`"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Class decorators that never touch methods; any other may wrap them, so the class is
/// refused — unless it is a function of this module that returns the class it gets and
/// never writes to it.
fn class_decorators_allowed(module: &Module, class: ClassId) -> Result<(), String> {
    let c = &module.classes[class];
    if c.stmt.kind() != "decorated_definition" {
        return Ok(());
    }
    for d in named_children(c.stmt)
        .into_iter()
        .filter(|d| d.kind() == "decorator")
    {
        let Some(expr) = d.named_child(0) else {
            continue;
        };
        let callee = if expr.kind() == "call" {
            expr.child_by_field_name("function").unwrap_or(expr)
        } else {
            expr
        };
        let name = module.text(callee);
        if is_known_class_decorator(name) || is_registering_decorator(module, callee) {
            continue;
        }
        return Err(format!(
            "`{}` is decorated with `@{name}` (line {}), which may wrap or replace its methods",
            c.name,
            d.start_position().row + 1
        ));
    }
    Ok(())
}

fn is_known_class_decorator(name: &str) -> bool {
    const KNOWN: &[&str] = &[
        "dataclass",
        "dataclasses.dataclass",
        "total_ordering",
        "functools.total_ordering",
        "final",
        "typing.final",
        "unique",
        "enum.unique",
        "runtime_checkable",
        "typing.runtime_checkable",
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.frozen",
        "attrs.define",
        "attrs.frozen",
        "attrs.mutable",
    ];
    KNOWN.contains(&name)
}

/// A module-level `def deco(cls): …; return cls` whose body never stores on `cls`.
fn is_registering_decorator(module: &Module, callee: Node) -> bool {
    if callee.kind() != "identifier" {
        return false;
    }
    let Some((scope, binding)) =
        module.lookup(MODULE_SCOPE, module.text(callee), callee.start_byte())
    else {
        return false;
    };
    let (MODULE_SCOPE, BindingValue::Function(def)) = (scope, &binding.value) else {
        return false;
    };
    let Some(param) = def
        .child_by_field_name("parameters")
        .and_then(|p| named_children(p).into_iter().next())
        .and_then(first_param_ident)
        .map(|p| module.text(p))
    else {
        return false;
    };
    let Some(body) = def.child_by_field_name("body") else {
        return false;
    };
    let mut returns_param = false;
    for n in descendants(body) {
        match n.kind() {
            "return_statement" => {
                let value = n.named_child(0).map(|v| module.text(v));
                if value != Some(param) {
                    return false;
                }
                returns_param = true;
            }
            "attribute" => {
                let on_param = n
                    .child_by_field_name("object")
                    .is_some_and(|o| module.text(o) == param);
                if on_param && (crate::facts::is_store_target(n) || is_write_target(n)) {
                    return false;
                }
            }
            "identifier" if matches!(module.text(n), "setattr" | "delattr" | "vars") => {
                return false;
            }
            "function_definition" | "lambda" | "yield" => return false,
            _ => {}
        }
    }
    returns_param
}

/// In the class's own module, every occurrence of `name` is the `def`, a load the fix
/// reroutes or leaves to the wrapper, or a name that means something else.
fn own_occurrences_accounted(
    module: &Module,
    class: ClassId,
    name: &str,
    computed_write: Option<&str>,
) -> Result<(), String> {
    let class_name = &module.classes[class].name;
    for o in crate::facts::occurrences(module, name).iter() {
        let line = o.line;
        if let (true, Some(at)) = (o.kind.names_a_key(), computed_write) {
            return Err(key_message(name, &format!("line {line}"), at));
        }
        match &o.kind {
            OccurrenceKind::AttributeStore => {
                return Err(format!(
                    "`.{name}` is assigned or deleted at line {line}: an instance attribute could shadow the method"
                ))
            }
            OccurrenceKind::Str { store: true, .. } => {
                return Err(format!(
                    "`setattr`/`delattr` names `{name}` at line {line}"
                ))
            }
            OccurrenceKind::ClassBodyBinding { class } if class == class_name => {
                return Err(format!(
                    "`{name}` is rebound in the body of `{class_name}` at line {line}"
                ))
            }
            OccurrenceKind::ClassBodyLoad { class } if class == class_name => {
                return Err(format!(
                    "the body of `{class_name}` uses `{name}` at line {line} (an alias or a table of methods)"
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Other files of the project: `Ok(true)` when the name occurs there (the method must stay as
/// a wrapper); `Err` when an occurrence could rebind it on an instance.
fn elsewhere(
    project: &ProjectView,
    name: &str,
    computed_write: Option<&str>,
) -> Result<bool, String> {
    let (any, rebinding) = project.occurrences_elsewhere(name, computed_write.is_some())?;
    if let Some((path, o)) = rebinding {
        let here = format!("{}:{}", display_path(&path), o.line);
        if let (true, Some(at)) = (o.kind.names_a_key(), computed_write) {
            return Err(key_message(name, &here, at));
        }
        let what = match o.kind {
            OccurrenceKind::AttributeStore => format!("assigns or deletes `.{name}`"),
            _ => format!("names `{name}` in `setattr`/`delattr`"),
        };
        return Err(format!(
            "{}:{} {what}: it could shadow the method on an instance",
            display_path(&path),
            o.line
        ));
    }
    Ok(any)
}

fn key_message(name: &str, here: &str, write: &str) -> String {
    format!(
        "{here} spells `{name}` as data, and {write} writes attributes by computed name: it could shadow the method on an instance"
    )
}

/// Uses of the class itself anywhere in the project: `setattr(C, …)`, `patch.object(C, …)`,
/// `copyreg.pickle(C, …)`, `type("X", (C,), …)`, a string `"pkg.C.m"` (`mock.patch`), and
/// `C.k(other, …)` for a method `k` whose `self.m` calls the fix reroutes (with another
/// class's instance as `self`, `self.m` is not ours).
fn class_uses_accounted(
    module: &Module,
    class: ClassId,
    project: &ProjectView,
    names: &[String],
) -> Result<(), String> {
    let c = &module.classes[class];
    // Methods whose bodies call a rerouted name through `self`.
    let mut hosts: HashSet<&str> = HashSet::new();
    for name in names {
        let receivers = module.receivers(name);
        let on_self = receivers
            .reaching(class)
            .filter(|r| r.self_of == Some(class));
        for attr in on_self.map(|r| module.attributes[r.attribute].0) {
            if let Some(m) = c
                .methods
                .iter()
                .find(|m| m.def.byte_range().contains(&attr.start_byte()))
            {
                hosts.insert(m.name.as_str());
            }
        }
    }
    let own_uses = crate::facts::class_uses(module, &c.name);
    // Paths are made readable only for a message: this loop runs over every file.
    let mut files: Vec<(Option<FileId>, std::sync::Arc<Vec<crate::facts::ClassUse>>)> =
        vec![(None, std::sync::Arc::new(own_uses))];
    for id in project.index.files_with_word(&c.name) {
        if id == project.own_id {
            continue;
        }
        match project.class_uses(id, &c.name) {
            Some(uses) if !uses.is_empty() => files.push((Some(id), uses)),
            Some(_) => {}
            None => {
                if crate::index::first_line_with(project.index, id, &c.name).is_some() {
                    return Err(format!(
                        "{} mentions `{}` but could not be parsed",
                        display_path(project.index.path(id)),
                        c.name
                    ));
                }
            }
        }
    }
    use crate::facts::ClassUse;
    for (id, uses) in &files {
        let path = match id {
            Some(id) => display_path(project.index.path(*id)),
            None => display_path(&project.own.path),
        };
        for u in uses.iter() {
            match u {
                ClassUse::Rebinding { line, callee } => {
                    return Err(format!(
                        "{path}:{line} passes `{}` to `{callee}`, which can replace its methods or how it pickles",
                        c.name
                    ))
                }
                ClassUse::UnboundCall {
                    line,
                    method,
                    first,
                } if hosts.contains(method.as_str()) && first != "self" => {
                    return Err(format!(
                        "{path}:{line} calls `{}.{method}({first}, …)`: with another object as `self`, the calls inside `{method}` are not `{}`'s",
                        c.name, c.name
                    ))
                }
                ClassUse::DottedString { line, text } => {
                    if let Some(n) = names
                        .iter()
                        .find(|n| crate::facts::contains_word(text, &format!("{}.{n}", c.name)))
                    {
                        return Err(format!(
                            "{path}:{line} names `{}.{n}` in a string (`mock.patch`?): a patch of the method would be bypassed",
                            c.name
                        ));
                    }
                }
                ClassUse::UnboundCall { .. } => {}
            }
        }
    }
    Ok(())
}

/// `getattr(self, "_as_" + kind)`, `setattr(self, name, v)`, `self.__dict__`, `vars(self)`:
/// attribute access by computed name on the instance or the class.
fn dynamic_attribute_access(
    module: &Module,
    class: ClassId,
    names: &[String],
) -> Result<(), String> {
    let class_name = module.classes[class].name.as_str();
    let is_ours = |obj: Node, scope: ScopeId| -> bool {
        let obj = strip_parens(obj);
        if obj.kind() != "identifier" {
            return false;
        }
        let t = module.text(obj);
        module
            .method_context(scope)
            .is_some_and(|(c, s)| c == class && s == t)
            || module.cls_context(scope, t) == Some(class)
            || t == class_name
    };
    let candidates = module
        .index()
        .calls_to(&["getattr", "hasattr", "setattr", "delattr", "vars"]);
    for (call, scope) in candidates.into_iter().map(|i| module.calls[i]) {
        let Some(f) = call.child_by_field_name("function") else {
            continue;
        };
        let fname = module.text(f);
        let line = call.start_position().row + 1;
        if !matches!(
            fname,
            "getattr" | "hasattr" | "setattr" | "delattr" | "vars"
        ) {
            continue;
        }
        let args = call_args(call, module.src);
        let Some(obj) = args.positional.first() else {
            continue;
        };
        if !is_ours(*obj, scope) {
            continue;
        }
        if fname == "vars" {
            return Err(format!(
                "`vars(...)` of the instance at line {line} can rebind its attributes by name"
            ));
        }
        let Some(attr) = args.positional.get(1) else {
            continue;
        };
        if string_value(*attr, module.src).is_some() {
            continue; // a literal name: an occurrence, judged with the others
        }
        let prefix = literal_prefix(module, *attr);
        let hit = names
            .iter()
            .find(|n| prefix.as_deref().is_none_or(|p| n.starts_with(p)));
        if let Some(n) = hit {
            return Err(format!(
                "`{}` at line {line} computes an attribute name that may be `{n}`",
                module.text(call).lines().next().unwrap_or("")
            ));
        }
    }
    for (attr, scope) in module.attributes_named("__dict__") {
        if attr
            .child_by_field_name("object")
            .is_some_and(|o| is_ours(o, scope))
        {
            return Err(format!(
                "`{}` at line {} can rebind attributes by name",
                module.text(attr),
                attr.start_position().row + 1
            ));
        }
    }
    Ok(())
}

/// The literal start of a computed name: `"_as_" + kind` → `_as_`, `f"_as_{kind}"` → `_as_`.
fn literal_prefix(module: &Module, expr: Node) -> Option<String> {
    let expr = strip_parens(expr);
    match expr.kind() {
        "binary_operator" => {
            let left = expr.child_by_field_name("left")?;
            string_value(left, module.src)
                .map(str::to_string)
                .or_else(|| literal_prefix(module, left))
        }
        "string" => {
            let first = named_children(expr)
                .into_iter()
                .find(|c| c.kind() != "string_start")?;
            (first.kind() == "string_content").then(|| module.text(first).to_string())
        }
        _ => None,
    }
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
    for (ident, scope) in module.identifiers_in(def.byte_range()) {
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

/// A module-level name that `node` reads whose value a spawned worker would not see as the
/// parent does: bound (or rebound) under `if __name__ == "__main__":`, which workers never
/// run, or assigned at run time through `global` in a function. Code moved to module level
/// would then raise NameError in the worker, or silently read the import-time value.
pub fn main_guard_only_name(module: &Module, node: Node) -> Option<String> {
    let range = node.byte_range();
    for (ident, scope) in module.identifiers_in(range) {
        let name = module.text(ident);
        let Some((MODULE_SCOPE, _)) = module.lookup(scope, name, ident.start_byte()) else {
            continue;
        };
        let line = ident.start_position().row + 1;
        for b in module.scopes[MODULE_SCOPE].bindings_named(name) {
            if module.in_main_guard(b.at) {
                return Some(format!(
                    "it reads `{name}` (line {line}), which `if __name__ == \"__main__\":` binds: spawn and forkserver workers never run that block"
                ));
            }
            // `global name` in a function binds it at module level when that runs.
            let in_function = module.scopes.iter().any(|sc| {
                sc.kind == ScopeKind::Function
                    && sc.globals.contains(name)
                    && sc.node.byte_range().contains(&b.at)
            });
            if in_function {
                return Some(format!(
                    "it reads `{name}` (line {line}), which a function assigns at run time (`global`): a worker sees only its import-time value"
                ));
            }
        }
    }
    None
}

/// Why code moved to module level would read, in a spawned worker, a module name whose value
/// differs from the parent's (`main_guard_only_name`, then `name_set_from_outside`).
pub fn unseen_by_workers(module: &Module, node: Node, project: &ProjectView) -> Option<String> {
    main_guard_only_name(module, node).or_else(|| name_set_from_outside(module, node, project))
}

/// Names every module can read without binding them (`dir(builtins)` of CPython 3.11-3.14,
/// plus the module attributes the import system sets).
const BUILTIN_NAMES: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "__build_class__",
    "__builtins__",
    "__cached__",
    "__debug__",
    "__doc__",
    "__file__",
    "__import__",
    "__loader__",
    "__name__",
    "__package__",
    "__path__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

/// A module-level name that `node` reads whose value in a spawned worker may differ from the
/// parent's because something outside the module sets it: another project file assigns it as
/// an attribute (`tasks.FACTOR = 3`, typically under its own main guard), or this module
/// never binds it at all (a caller injects it). Moved to module level, the code would read
/// the import-time value in the worker, or raise NameError there.
pub fn name_set_from_outside(module: &Module, node: Node, project: &ProjectView) -> Option<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    for (ident, scope) in module.identifiers_in(node.byte_range()) {
        let name = module.text(ident);
        if !seen.insert(name) {
            continue;
        }
        let line = ident.start_position().row + 1;
        match module.lookup(scope, name, ident.start_byte()) {
            Some((MODULE_SCOPE, _)) => match project.occurrences_elsewhere(name, true) {
                Ok((_, Some((path, o)))) => {
                    return Some(format!(
                        "it reads `{name}` (line {line}), which {}:{} can assign from outside this module: a worker sees only its import-time value",
                        display_path(&path),
                        o.line
                    ))
                }
                Ok(_) => {}
                Err(why) => return Some(why),
            },
            None if !module.star_import && !BUILTIN_NAMES.contains(&name) => {
                return Some(format!(
                    "it reads `{name}` (line {line}), which this module never binds: set from outside, it would not exist in a spawn or forkserver worker"
                ))
            }
            _ => {}
        }
    }
    None
}

/// The identifier a parameter binds (re-exported for the rewriter).
pub fn param_name<'t>(module: &Module<'t>, p: Node<'t>) -> Option<&'t str> {
    first_param_ident(p).map(|i| module.text(i))
}
