//! Name resolution for one module: scopes, bindings, imports, classes and what pools are.
//!
//! One iterative walk over the tree records every scope (module, class, function, lambda),
//! every name binding in source order, the classes with their methods and `self.x = …`
//! attributes, and the call/attribute/identifier nodes later passes need. Resolution is
//! deliberately simple and conservative: when a name could mean two things, callers get
//! `Unknown` and nothing is rewritten.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::Node;

use crate::parse::{call_args, children, named_children, string_value, strip_parens, text};

pub type ScopeId = usize;
pub type ClassId = usize;
/// A method's class and the byte range of its `self` parameter's name.
type MethodContextAt = (ClassId, std::ops::Range<usize>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
}

#[derive(Debug, Clone)]
pub enum BindingValue<'t> {
    /// `x = expr`, `with expr as x`, `x := expr`.
    Value(Node<'t>),
    /// `x: T` without a value.
    Annotated(Node<'t>),
    Param {
        annotation: Option<Node<'t>>,
    },
    Function(Node<'t>),
    Class(ClassId),
    Import(String),
    /// Loop targets, tuple unpacking, `except … as x`, augmented assignment…
    Other,
}

#[derive(Debug, Clone)]
pub struct Binding<'t> {
    pub name: String,
    pub at: usize,
    pub value: BindingValue<'t>,
}

#[derive(Debug)]
pub struct Scope<'t> {
    pub kind: ScopeKind,
    pub node: Node<'t>,
    pub parent: Option<ScopeId>,
    /// In source order; only `Module::bind` adds to it (it keeps `by_name` in step).
    pub bindings: Vec<Binding<'t>>,
    /// Indexes into `bindings`, by name, once there are more than `SCAN_LIMIT` of them: a
    /// module with thousands of bindings is looked up once per reference, the many small
    /// scopes are scanned.
    by_name: HashMap<String, Vec<usize>>,
    /// Names declared `global` or `nonlocal` here: never local to this scope.
    pub not_local: HashSet<String>,
    pub globals: HashSet<String>,
    /// Class scope: the class. Function scope: the class whose body defines it directly.
    pub class: Option<ClassId>,
}

/// Scopes with at most this many bindings are scanned rather than indexed.
const SCAN_LIMIT: usize = 32;

impl<'t> Scope<'t> {
    /// The bindings of `name` in this scope, in source order.
    pub fn bindings_named<'s, 'n>(
        &'s self,
        name: &'n str,
    ) -> impl Iterator<Item = &'s Binding<'t>> + use<'s, 'n, 't> {
        let indexed = (self.bindings.len() > SCAN_LIMIT).then(|| {
            self.by_name
                .get(name)
                .into_iter()
                .flatten()
                .map(|&i| &self.bindings[i])
        });
        let scanned = indexed
            .is_none()
            .then(|| self.bindings.iter().filter(move |b| b.name == name));
        indexed
            .into_iter()
            .flatten()
            .chain(scanned.into_iter().flatten())
    }

    fn push_binding(&mut self, binding: Binding<'t>) {
        self.bindings.push(binding);
        let n = self.bindings.len();
        if n == SCAN_LIMIT + 1 {
            for (i, b) in self.bindings.iter().enumerate() {
                self.by_name.entry(b.name.clone()).or_default().push(i);
            }
        } else if n > SCAN_LIMIT + 1 {
            let name = self.bindings[n - 1].name.clone();
            self.by_name.entry(name).or_default().push(n - 1);
        }
    }
}

#[derive(Debug)]
pub struct Method<'t> {
    pub name: String,
    pub def: Node<'t>,
    /// The statement in the class body: the `decorated_definition` when decorated.
    pub stmt: Node<'t>,
    pub decorators: Vec<String>,
    pub scope: ScopeId,
    /// First parameter name when it is a plain identifier.
    pub first_param: Option<String>,
}

impl Method<'_> {
    pub fn is_staticmethod(&self) -> bool {
        self.decorators.iter().any(|d| d == "staticmethod")
    }
    pub fn is_classmethod(&self) -> bool {
        self.decorators.iter().any(|d| d == "classmethod")
    }
    /// A plain instance method: its first parameter is the instance.
    pub fn is_instance_method(&self) -> bool {
        !self.is_staticmethod() && !self.is_classmethod()
    }
}

#[derive(Debug)]
pub struct AttrAssign<'t> {
    pub value: Option<Node<'t>>,
    pub annotation: Option<Node<'t>>,
    /// The attribute node that is assigned (`self.x`).
    pub target: Node<'t>,
}

#[derive(Debug)]
pub struct Class<'t> {
    pub name: String,
    pub node: Node<'t>,
    /// The statement: the `decorated_definition` when decorated.
    pub stmt: Node<'t>,
    pub scope: ScopeId,
    pub parent_scope: ScopeId,
    pub methods: Vec<Method<'t>>,
    /// `self.x = …` in any method, by attribute name.
    pub self_attrs: HashMap<String, Vec<AttrAssign<'t>>>,
    pub base_names: Vec<String>,
}

impl<'t> Class<'t> {
    pub fn methods_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Method<'t>> + 's {
        self.methods.iter().filter(move |m| m.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMethod {
    Fork,
    Spawn,
    Forkserver,
    /// Platform default: forkserver on Linux since 3.14, spawn on macOS/Windows.
    Default,
}

/// What an expression evaluates to, as far as pools go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolKind {
    /// `concurrent.futures.ProcessPoolExecutor`.
    ProcessExecutor(StartMethod),
    /// `multiprocessing.Pool` (also `ctx.Pool`).
    ProcessPool(StartMethod),
    /// `multiprocessing.get_context(...)`.
    Context(StartMethod),
    /// Thread pools, dummy pools, `None` in `run_in_executor`: never pickle.
    Thread,
    /// Some other known thing (a class of this module, a literal, …).
    NotAPool,
    Unknown,
}

pub struct Module<'t> {
    pub src: &'t str,
    pub root: Node<'t>,
    pub scopes: Vec<Scope<'t>>,
    pub classes: Vec<Class<'t>>,
    pub calls: Vec<(Node<'t>, ScopeId)>,
    pub attributes: Vec<(Node<'t>, ScopeId)>,
    pub identifiers: Vec<(Node<'t>, ScopeId)>,
    /// Every string literal, in walk order.
    pub strings: Vec<Node<'t>>,
    /// Every comment, in source order (suppression directives live there).
    pub comments: Vec<Node<'t>>,
    /// Bodies of `if __name__ == "__main__":` at module level.
    pub main_guards: Vec<Range<usize>>,
    pub star_import: bool,
    /// What other files of the project say about new module-level names.
    pub external: ExternalNames,
    /// `multiprocessing.set_start_method("fork")` seen: the file pins a start method.
    pub default_start: StartMethod,
    scope_of_def: HashMap<usize, ScopeId>,
    /// Owned strings: a cell over `&'t str` would make `Module` invariant in `'t`.
    free_names: std::sync::OnceLock<HashSet<String>>,
    /// `module_names` and `free_names` together, for the name picker.
    names_in_use: std::sync::OnceLock<HashSet<String>>,
    /// Names the fixes planned on this module so far have picked, with what each is for:
    /// the fixes of one analysis avoid each other's names and can share a pass.
    claimed: std::sync::Mutex<HashMap<String, Option<String>>>,
    /// For a base name of `NamePicker::pick_free`, the first suffix not known to be taken
    /// (1 is the base itself).
    free_suffixes: std::sync::Mutex<HashMap<String, usize>>,
    index: std::sync::OnceLock<crate::module_index::ModuleIndex>,
    /// `method_context` of every scope, computed once: planning n fixes asks it for every
    /// attribute of the module n times.
    /// (Byte ranges, not `&'t str`: a cell holding `'t` would make `Module` invariant.)
    method_contexts: std::sync::OnceLock<Vec<Option<MethodContextAt>>>,
    /// Scopes and methods are complete: `method_context` may cache.
    built: bool,
}

pub const MODULE_SCOPE: ScopeId = 0;

/// Questions about the rest of the project that a new module-level name must pass. Asked
/// lazily: only a planned fix picks names.
#[derive(Clone, Default)]
pub struct ExternalNames {
    /// Does another project file use this word (it may import it from this module)?
    pub used_elsewhere: Option<WordQuery>,
    /// Does another project file `import *` from this module, which has no `__all__`?
    pub star_exported: Option<FlagQuery>,
}

pub type WordQuery = std::sync::Arc<dyn Fn(&str) -> bool + Send + Sync>;
pub type FlagQuery = std::sync::Arc<dyn Fn() -> bool + Send + Sync>;

/// Packages whose pools serialise with dill or cloudpickle (`multiprocess` is dill's fork of
/// multiprocessing).
const SERIALIZING_POOL_PACKAGES: &[&str] =
    &["pathos", "loky", "joblib", "multiprocess", "dask", "ray"];

fn is_serializing_package(qualname: &str) -> bool {
    SERIALIZING_POOL_PACKAGES
        .iter()
        .any(|p| qualname.starts_with(p) && qualname[p.len()..].starts_with('.'))
}

impl<'t> Module<'t> {
    pub fn build(root: Node<'t>, src: &'t str) -> Module<'t> {
        let mut m = Module {
            src,
            root,
            scopes: vec![Scope {
                kind: ScopeKind::Module,
                node: root,
                parent: None,
                bindings: Vec::new(),
                by_name: HashMap::new(),
                not_local: HashSet::new(),
                globals: HashSet::new(),
                class: None,
            }],
            classes: Vec::new(),
            calls: Vec::new(),
            attributes: Vec::new(),
            identifiers: Vec::new(),
            comments: Vec::new(),
            strings: Vec::new(),
            main_guards: Vec::new(),
            star_import: false,
            external: ExternalNames::default(),
            default_start: StartMethod::Default,
            scope_of_def: HashMap::new(),
            free_names: std::sync::OnceLock::new(),
            names_in_use: std::sync::OnceLock::new(),
            claimed: std::sync::Mutex::new(HashMap::new()),
            free_suffixes: std::sync::Mutex::new(HashMap::new()),
            index: std::sync::OnceLock::new(),
            method_contexts: std::sync::OnceLock::new(),
            built: false,
        };
        m.walk();
        m.comments.sort_by_key(|c| c.start_byte());
        m.default_start = m.find_pinned_start();
        m.built = true;
        m
    }

    pub fn text(&self, node: Node) -> &'t str {
        text(node, self.src)
    }

    fn new_scope(
        &mut self,
        kind: ScopeKind,
        node: Node<'t>,
        parent: ScopeId,
        class: Option<ClassId>,
    ) -> ScopeId {
        self.scopes.push(Scope {
            kind,
            node,
            parent: Some(parent),
            bindings: Vec::new(),
            by_name: HashMap::new(),
            not_local: HashSet::new(),
            globals: HashSet::new(),
            class,
        });
        self.scopes.len() - 1
    }

    fn bind(&mut self, scope: ScopeId, name: &str, at: usize, value: BindingValue<'t>) {
        self.scopes[scope].push_binding(Binding {
            name: name.to_string(),
            at,
            value,
        });
    }

    /// Bind every identifier in an assignment target pattern as `Other`, except the plain
    /// `name` case which gets `value`.
    fn bind_target(&mut self, scope: ScopeId, target: Node<'t>, value: BindingValue<'t>) {
        let target = strip_parens(target);
        match target.kind() {
            "identifier" => {
                let name = self.text(target);
                self.bind(scope, name, target.start_byte(), value);
            }
            "attribute" => self.record_self_attr(scope, target, value),
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "list_splat_pattern" | "as_pattern_target" => {
                for child in named_children(target) {
                    self.bind_target(scope, child, BindingValue::Other);
                }
            }
            _ => {}
        }
    }

    /// `self.x = value` inside a method: remember it on the class.
    fn record_self_attr(&mut self, scope: ScopeId, target: Node<'t>, value: BindingValue<'t>) {
        let Some((class, self_name)) = self.method_context(scope) else {
            return;
        };
        let (Some(obj), Some(attr)) = (
            target.child_by_field_name("object"),
            target.child_by_field_name("attribute"),
        ) else {
            return;
        };
        if obj.kind() != "identifier" || self.text(obj) != self_name {
            return;
        }
        let (value, annotation) = match value {
            BindingValue::Value(v) => (Some(v), None),
            BindingValue::Annotated(a) => (None, Some(a)),
            _ => (None, None),
        };
        let name = self.text(attr).to_string();
        self.classes[class]
            .self_attrs
            .entry(name)
            .or_default()
            .push(AttrAssign {
                value,
                annotation,
                target,
            });
    }

    /// For a scope inside a method (the method itself or nested in it), the class and the
    /// name of the instance parameter.
    pub fn method_context(&self, scope: ScopeId) -> Option<(ClassId, &'t str)> {
        if !self.built {
            return self.find_method_context(scope);
        }
        let src: &'t str = self.src;
        self.method_contexts
            .get_or_init(|| {
                (0..self.scopes.len())
                    .map(|s| {
                        let (c, name) = self.find_method_context(s)?;
                        // `name` is a slice of `src` (`Module::text`).
                        let start = (name.as_ptr() as usize).checked_sub(src.as_ptr() as usize)?;
                        Some((c, start..start + name.len()))
                    })
                    .collect()
            })
            .get(scope)
            .and_then(|ctx| ctx.clone())
            .and_then(|(c, range)| src.get(range).map(|name| (c, name)))
    }

    fn find_method_context(&self, scope: ScopeId) -> Option<(ClassId, &'t str)> {
        let mut s = scope;
        loop {
            let sc = &self.scopes[s];
            if sc.kind == ScopeKind::Function {
                if let Some(class) = sc.class {
                    let method = self.classes[class].methods.iter().find(|m| m.scope == s)?;
                    if !method.is_instance_method() {
                        return None;
                    }
                    let name = method.first_param.as_deref()?;
                    // The text lives in the source: find it there to give it 't lifetime.
                    let params = method.def.child_by_field_name("parameters")?;
                    let first = named_children(params).into_iter().next()?;
                    let ident = first_param_ident(first)?;
                    let t = self.text(ident);
                    return (t == name).then_some((class, t));
                }
            }
            if sc.kind == ScopeKind::Class || sc.kind == ScopeKind::Module {
                return None;
            }
            s = sc.parent?;
        }
    }

    /// The scope of a `function_definition`, `lambda` or `class_definition` node.
    pub fn scope_of_def(&self, def: Node) -> Option<ScopeId> {
        self.scope_of_def.get(&def.id()).copied()
    }

    fn walk(&mut self) {
        let mut stack: Vec<(Node<'t>, ScopeId)> = vec![(self.root, MODULE_SCOPE)];
        let mut cursor = self.root.walk();
        while let Some((node, scope)) = stack.pop() {
            let mut push_children = true;
            match node.kind() {
                "function_definition" => {
                    push_children = false;
                    self.visit_function(node, scope, &mut stack);
                }
                "lambda" => {
                    push_children = false;
                    let new = self.new_scope(ScopeKind::Lambda, node, scope, None);
                    self.scope_of_def.insert(node.id(), new);
                    if let Some(params) = node.child_by_field_name("parameters") {
                        self.bind_params(params, new, scope, &mut stack);
                    }
                    if let Some(body) = node.child_by_field_name("body") {
                        stack.push((body, new));
                    }
                }
                "class_definition" => {
                    push_children = false;
                    self.visit_class(node, scope, &mut stack);
                }
                "assignment" => {
                    if let Some(left) = node.child_by_field_name("left") {
                        // `a = b = X()`: the value is the innermost right side.
                        let mut right = node.child_by_field_name("right");
                        while let Some(r) = right.filter(|r| r.kind() == "assignment") {
                            right = r.child_by_field_name("right");
                        }
                        let value = match (right, node.child_by_field_name("type")) {
                            (Some(r), _) => BindingValue::Value(r),
                            (None, Some(t)) => BindingValue::Annotated(t),
                            (None, None) => BindingValue::Other,
                        };
                        self.bind_target(scope, left, value);
                    }
                }
                "augmented_assignment" => {
                    if let Some(left) = node.child_by_field_name("left") {
                        if left.kind() == "identifier" {
                            self.bind_target(scope, left, BindingValue::Other);
                        } else if left.kind() == "attribute" {
                            self.record_self_attr(scope, left, BindingValue::Other);
                        }
                    }
                }
                "with_item" => {
                    if let Some(value) = node.child_by_field_name("value") {
                        if value.kind() == "as_pattern" {
                            let expr = value.named_child(0);
                            let alias = value.child_by_field_name("alias");
                            if let (Some(expr), Some(alias)) = (expr, alias) {
                                let target = alias.named_child(0).unwrap_or(alias);
                                self.bind_target(scope, target, BindingValue::Value(expr));
                            }
                        }
                    }
                }
                "as_pattern" => {
                    // `except E as e`, `case X as y` (with-items are handled above).
                    let in_with = node.parent().is_some_and(|p| p.kind() == "with_item");
                    if !in_with {
                        if let Some(alias) = node.child_by_field_name("alias") {
                            self.bind_target(scope, alias, BindingValue::Other);
                        }
                    }
                }
                "for_statement" | "for_in_clause" => {
                    if let Some(left) = node.child_by_field_name("left") {
                        self.bind_target(scope, left, BindingValue::Other);
                    }
                }
                "named_expression" => {
                    if let (Some(name), Some(value)) = (
                        node.child_by_field_name("name"),
                        node.child_by_field_name("value"),
                    ) {
                        self.bind_target(scope, name, BindingValue::Value(value));
                    }
                }
                "import_statement" => self.visit_import(node, scope),
                "import_from_statement" => self.visit_import_from(node, scope),
                "future_import_statement" => {}
                "global_statement" | "nonlocal_statement" => {
                    let global = node.kind() == "global_statement";
                    for child in named_children(node) {
                        if child.kind() == "identifier" {
                            let name = self.text(child).to_string();
                            self.scopes[scope].not_local.insert(name.clone());
                            if global {
                                self.scopes[scope].globals.insert(name.clone());
                                self.bind(
                                    MODULE_SCOPE,
                                    &name,
                                    child.start_byte(),
                                    BindingValue::Other,
                                );
                            }
                        }
                    }
                }
                "if_statement" if scope == MODULE_SCOPE => {
                    if let Some(cond) = node.child_by_field_name("condition") {
                        if is_main_guard(cond, self.src) {
                            if let Some(body) = node.child_by_field_name("consequence") {
                                self.main_guards.push(body.byte_range());
                            }
                        }
                    }
                }
                "call" => self.calls.push((node, scope)),
                "attribute" => self.attributes.push((node, scope)),
                "identifier" => self.identifiers.push((node, scope)),
                "comment" => self.comments.push(node),
                "string" => self.strings.push(node),
                _ => {}
            }
            if push_children && !matches!(node.kind(), "import_statement" | "import_from_statement")
            {
                // Attribute names and keyword names are not name uses: `x.m`, `f(m=1)`.
                let skip = match node.kind() {
                    "attribute" => node.child_by_field_name("attribute"),
                    "keyword_argument" => node.child_by_field_name("name"),
                    _ => None,
                };
                // Children in reverse, so they pop in source order; one cursor for the walk.
                let first = stack.len();
                cursor.reset(node);
                if cursor.goto_first_child() {
                    loop {
                        let kid = cursor.node();
                        if skip.is_none_or(|s| s.id() != kid.id()) {
                            stack.push((kid, scope));
                        }
                        if !cursor.goto_next_sibling() {
                            break;
                        }
                    }
                }
                stack[first..].reverse();
            }
        }
    }

    fn visit_function(
        &mut self,
        node: Node<'t>,
        scope: ScopeId,
        stack: &mut Vec<(Node<'t>, ScopeId)>,
    ) {
        let class = match self.scopes[scope].kind {
            ScopeKind::Class => self.scopes[scope].class,
            _ => None,
        };
        let new = self.new_scope(ScopeKind::Function, node, scope, class);
        self.scope_of_def.insert(node.id(), new);
        let name_node = node.child_by_field_name("name");
        let name = name_node
            .map(|n| self.text(n).to_string())
            .unwrap_or_default();
        if let Some(n) = name_node {
            self.bind(scope, &name, n.start_byte(), BindingValue::Function(node));
        }
        let mut first_param = None;
        if let Some(params) = node.child_by_field_name("parameters") {
            first_param = named_children(params)
                .into_iter()
                .next()
                .and_then(first_param_ident)
                .filter(|p| p.kind() == "identifier")
                .map(|p| self.text(p).to_string());
            self.bind_params(params, new, scope, stack);
        }
        if let Some(ret) = node.child_by_field_name("return_type") {
            stack.push((ret, scope));
        }
        if let Some(body) = node.child_by_field_name("body") {
            stack.push((body, new));
        }
        if let Some(class) = class {
            let (stmt, decorators) = match node.parent() {
                Some(p) if p.kind() == "decorated_definition" => {
                    let decorators = named_children(p)
                        .into_iter()
                        .filter(|d| d.kind() == "decorator")
                        .map(|d| decorator_name(d, self.src))
                        .collect();
                    (p, decorators)
                }
                _ => (node, Vec::new()),
            };
            self.classes[class].methods.push(Method {
                name,
                def: node,
                stmt,
                decorators,
                scope: new,
                first_param,
            });
        }
    }

    /// Bind parameters in `inner`; defaults and annotations are evaluated in `outer`.
    fn bind_params(
        &mut self,
        params: Node<'t>,
        inner: ScopeId,
        outer: ScopeId,
        stack: &mut Vec<(Node<'t>, ScopeId)>,
    ) {
        for p in named_children(params) {
            let annotation = p.child_by_field_name("type");
            if let Some(ident) = first_param_ident(p) {
                let name = self.text(ident).to_string();
                self.bind(
                    inner,
                    &name,
                    ident.start_byte(),
                    BindingValue::Param { annotation },
                );
            }
            if let Some(t) = annotation {
                stack.push((t, outer));
            }
            if let Some(v) = p.child_by_field_name("value") {
                stack.push((v, outer));
            }
        }
    }

    fn visit_class(
        &mut self,
        node: Node<'t>,
        scope: ScopeId,
        stack: &mut Vec<(Node<'t>, ScopeId)>,
    ) {
        let name = node
            .child_by_field_name("name")
            .map(|n| self.text(n).to_string())
            .unwrap_or_default();
        let class_id = self.classes.len();
        let new = self.new_scope(ScopeKind::Class, node, scope, Some(class_id));
        self.scope_of_def.insert(node.id(), new);
        let stmt = match node.parent() {
            Some(p) if p.kind() == "decorated_definition" => p,
            _ => node,
        };
        let mut base_names = Vec::new();
        if let Some(bases) = node.child_by_field_name("superclasses") {
            for b in named_children(bases) {
                if b.kind() == "keyword_argument" {
                    continue;
                }
                let t = self.text(b);
                base_names.push(t.rsplit('.').next().unwrap_or(t).to_string());
            }
            stack.push((bases, scope));
        }
        self.classes.push(Class {
            name: name.clone(),
            node,
            stmt,
            scope: new,
            parent_scope: scope,
            methods: Vec::new(),
            self_attrs: HashMap::new(),
            base_names,
        });
        if let Some(n) = node.child_by_field_name("name") {
            self.bind(scope, &name, n.start_byte(), BindingValue::Class(class_id));
        }
        if let Some(body) = node.child_by_field_name("body") {
            stack.push((body, new));
        }
    }

    fn visit_import(&mut self, node: Node<'t>, scope: ScopeId) {
        for child in named_children(node) {
            match child.kind() {
                "dotted_name" => {
                    let full = self.text(child);
                    let first = full.split('.').next().unwrap_or(full).trim();
                    self.bind(
                        scope,
                        first,
                        child.start_byte(),
                        BindingValue::Import(first.to_string()),
                    );
                }
                "aliased_import" => {
                    if let (Some(name), Some(alias)) = (
                        child.child_by_field_name("name"),
                        child.child_by_field_name("alias"),
                    ) {
                        let full = compact(self.text(name));
                        let alias_text = self.text(alias);
                        self.bind(
                            scope,
                            alias_text,
                            alias.start_byte(),
                            BindingValue::Import(full),
                        );
                    }
                }
                _ => {}
            }
        }
    }

    fn visit_import_from(&mut self, node: Node<'t>, scope: ScopeId) {
        let module = node
            .child_by_field_name("module_name")
            .map(|m| compact(self.text(m)))
            .unwrap_or_default();
        let mut cursor = node.walk();
        let names: Vec<Node<'t>> = node.children_by_field_name("name", &mut cursor).collect();
        for child in names {
            let (name, alias) = match child.kind() {
                "aliased_import" => (
                    child.child_by_field_name("name"),
                    child.child_by_field_name("alias"),
                ),
                _ => (Some(child), Some(child)),
            };
            if let (Some(name), Some(alias)) = (name, alias) {
                // `from . import x` is `.x`, not `..x`.
                let sep = if module.chars().all(|c| c == '.') {
                    ""
                } else {
                    "."
                };
                let qual = format!("{module}{sep}{}", compact(self.text(name)));
                let alias_text = self.text(alias);
                self.bind(
                    scope,
                    alias_text,
                    alias.start_byte(),
                    BindingValue::Import(qual),
                );
            }
        }
        if named_children(node)
            .iter()
            .any(|c| c.kind() == "wildcard_import")
        {
            self.star_import = true;
        }
    }

    /// Look `name` up from `scope` as Python would at `at`: the innermost scope that binds
    /// it (class scopes are skipped from nested functions); within a scope, the last
    /// binding before `at`, else the last one.
    pub fn lookup(&self, scope: ScopeId, name: &str, at: usize) -> Option<(ScopeId, &Binding<'t>)> {
        let mut s = scope;
        let mut first = true;
        loop {
            let sc = &self.scopes[s];
            if sc.globals.contains(name) {
                s = MODULE_SCOPE;
                first = false;
                continue;
            }
            let visible = first || sc.kind != ScopeKind::Class;
            if visible && !sc.not_local.contains(name) {
                let mut candidates = sc.bindings_named(name);
                let mut last_before = None;
                let mut last = None;
                for b in candidates.by_ref() {
                    if b.at <= at {
                        last_before = Some(b);
                    }
                    last = Some(b);
                }
                if let Some(b) = last_before.or(last) {
                    return Some((s, b));
                }
            }
            first = false;
            s = sc.parent?;
        }
    }

    /// Dotted qualified name of an expression through imports: `mp.Pool` → `multiprocessing.Pool`.
    pub fn qualname(&self, node: Node<'t>, scope: ScopeId) -> Option<String> {
        let mut parts: Vec<&str> = Vec::new();
        let mut cur = strip_parens(node);
        // Attribute chains can be arbitrarily long: a loop, not recursion.
        while cur.kind() == "attribute" {
            parts.push(self.text(cur.child_by_field_name("attribute")?));
            cur = strip_parens(cur.child_by_field_name("object")?);
        }
        if cur.kind() != "identifier" {
            return None;
        }
        let head = match self.lookup(scope, self.text(cur), cur.start_byte()) {
            Some((
                s,
                Binding {
                    value: BindingValue::Import(q),
                    ..
                },
            )) => {
                // `try: from multiprocess import Pool` / `except ImportError: from
                // multiprocessing import Pool`: which one runs is not known, so a dill-based
                // candidate wins (its pools are never changed).
                let name = self.text(cur);
                self.scopes[s]
                    .bindings_named(name)
                    .find_map(|b| match &b.value {
                        BindingValue::Import(other) if is_serializing_package(other) => {
                            Some(other.clone())
                        }
                        _ => None,
                    })
                    .unwrap_or_else(|| q.clone())
            }
            Some(_) => return None,
            None => self.text(cur).to_string(), // builtins and unresolved globals
        };
        parts.reverse();
        let mut q = head;
        for p in parts {
            q.push('.');
            q.push_str(p);
        }
        Some(q)
    }

    /// What `node` is, pool-wise. `depth` bounds the chase through bindings.
    pub fn pool_kind(&self, node: Node<'t>, scope: ScopeId, depth: u8) -> PoolKind {
        if depth > 8 {
            return PoolKind::Unknown;
        }
        let node = strip_parens(node);
        match node.kind() {
            "none" => PoolKind::Thread, // run_in_executor(None, …) is the default thread pool
            "call" => self.call_kind(node, scope, depth),
            "identifier" => {
                let name = self.text(node);
                match self.lookup(scope, name, node.start_byte()) {
                    Some((s, b)) => self.binding_kind(b, s, depth),
                    None => PoolKind::Unknown,
                }
            }
            "attribute" => self.attribute_kind(node, scope, depth),
            "string" | "integer" | "float" | "list" | "dictionary" | "tuple" | "true" | "false" => {
                PoolKind::NotAPool
            }
            _ => PoolKind::Unknown,
        }
    }

    fn binding_kind(&self, b: &Binding<'t>, scope: ScopeId, depth: u8) -> PoolKind {
        match &b.value {
            BindingValue::Value(v) => self.pool_kind(*v, scope, depth + 1),
            BindingValue::Param {
                annotation: Some(a),
            }
            | BindingValue::Annotated(a) => self.annotation_kind(*a, scope),
            BindingValue::Function(_) | BindingValue::Class(_) => PoolKind::NotAPool,
            BindingValue::Import(q) => match q.as_str() {
                "multiprocessing" => PoolKind::Context(self.default_start),
                _ => PoolKind::Unknown,
            },
            _ => PoolKind::Unknown,
        }
    }

    /// `self.pool`, `cls.pool`, `Class.pool`.
    fn attribute_kind(&self, node: Node<'t>, scope: ScopeId, depth: u8) -> PoolKind {
        let (Some(obj), Some(attr)) = (
            node.child_by_field_name("object"),
            node.child_by_field_name("attribute"),
        ) else {
            return PoolKind::Unknown;
        };
        let attr = self.text(attr);
        let class = if obj.kind() == "identifier" {
            match self.method_context(scope) {
                Some((class, self_name)) if self.text(obj) == self_name => Some(class),
                _ => match self.lookup(scope, self.text(obj), obj.start_byte()) {
                    Some((
                        _,
                        Binding {
                            value: BindingValue::Class(c),
                            ..
                        },
                    )) => Some(*c),
                    _ => self.cls_context(scope, self.text(obj)),
                },
            }
        } else {
            None
        };
        let Some(class) = class else {
            // `multiprocessing.dummy` style module attributes have no kind on their own.
            return PoolKind::Unknown;
        };
        let mut kinds: Vec<PoolKind> = Vec::new();
        if let Some(assigns) = self.classes[class].self_attrs.get(attr) {
            for a in assigns {
                let method_scope = self.scope_containing(a.target.start_byte(), class);
                if let Some(v) = a.value {
                    // `self.pool = None` until started: not a kind of its own.
                    if strip_parens(v).kind() == "none" {
                        continue;
                    }
                    kinds.push(self.pool_kind(v, method_scope, depth + 1));
                } else if let Some(t) = a.annotation {
                    kinds.push(self.annotation_kind(t, method_scope));
                }
            }
        }
        let class_scope = self.classes[class].scope;
        for b in self.scopes[class_scope].bindings_named(attr) {
            if matches!(b.value, BindingValue::Value(v) if strip_parens(v).kind() == "none") {
                continue;
            }
            kinds.push(self.binding_kind(b, class_scope, depth));
        }
        match kinds.split_first() {
            Some((first, rest)) if rest.iter().all(|k| k == first) => *first,
            _ => PoolKind::Unknown,
        }
    }

    /// Inside a classmethod of a class, the class bound to its first parameter.
    pub fn cls_context(&self, scope: ScopeId, name: &str) -> Option<ClassId> {
        let sc = &self.scopes[scope];
        let class = sc.class?;
        let method = self.classes[class]
            .methods
            .iter()
            .find(|m| m.scope == scope)?;
        (method.is_classmethod() && method.first_param.as_deref() == Some(name)).then_some(class)
    }

    /// The method scope of `class` whose function holds byte `at`.
    fn scope_containing(&self, at: usize, class: ClassId) -> ScopeId {
        self.classes[class]
            .methods
            .iter()
            .find(|m| m.def.byte_range().contains(&at))
            .map_or(self.classes[class].scope, |m| m.scope)
    }

    fn call_kind(&self, call: Node<'t>, scope: ScopeId, depth: u8) -> PoolKind {
        let Some(callee) = call.child_by_field_name("function") else {
            return PoolKind::Unknown;
        };
        let callee = strip_parens(callee);
        if let Some(q) = self.qualname(callee, scope) {
            if let Some(kind) = self.constructor_kind(&q, call, scope) {
                return kind;
            }
        }
        // `ctx.Pool(...)`, `mp.get_context("spawn").Pool(...)`.
        if callee.kind() == "attribute" {
            if let (Some(obj), Some(attr)) = (
                callee.child_by_field_name("object"),
                callee.child_by_field_name("attribute"),
            ) {
                if let PoolKind::Context(start) = self.pool_kind(obj, scope, depth + 1) {
                    return match self.text(attr) {
                        "Pool" => PoolKind::ProcessPool(start),
                        "get_context" => PoolKind::Context(self.start_arg(call)),
                        _ => PoolKind::NotAPool,
                    };
                }
            }
        }
        if callee.kind() == "identifier" {
            if let Some((_, b)) = self.lookup(scope, self.text(callee), callee.start_byte()) {
                if matches!(b.value, BindingValue::Class(_)) {
                    return PoolKind::NotAPool;
                }
            }
        }
        PoolKind::Unknown
    }

    /// Pool kinds of the constructors we know, by qualified name.
    fn constructor_kind(&self, qualname: &str, call: Node<'t>, scope: ScopeId) -> Option<PoolKind> {
        let kind = match qualname {
            "concurrent.futures.ProcessPoolExecutor"
            | "concurrent.futures.process.ProcessPoolExecutor" => {
                let args = call_args(call, self.src);
                let start = match args.get(Some(1), "mp_context") {
                    Some(ctx) => match self.pool_kind(ctx, scope, 1) {
                        PoolKind::Context(s) => s,
                        _ => StartMethod::Default,
                    },
                    None => self.default_start,
                };
                PoolKind::ProcessExecutor(start)
            }
            "multiprocessing.Pool" | "multiprocessing.pool.Pool" => {
                PoolKind::ProcessPool(self.default_start)
            }
            "multiprocessing.get_context" | "multiprocessing.context.get_context" => {
                PoolKind::Context(self.start_arg(call))
            }
            "concurrent.futures.ThreadPoolExecutor"
            | "concurrent.futures.thread.ThreadPoolExecutor"
            | "multiprocessing.pool.ThreadPool"
            | "multiprocessing.dummy.Pool"
            | "multiprocessing.dummy.Process" => PoolKind::Thread,
            // dill/cloudpickle-based pools pickle bound methods, lambdas and closures by
            // value: not ours to change.
            q if is_serializing_package(q) => PoolKind::NotAPool,
            _ => return None,
        };
        Some(kind)
    }

    fn start_arg(&self, call: Node<'t>) -> StartMethod {
        let args = call_args(call, self.src);
        match args
            .get(Some(0), "method")
            .and_then(|a| string_value(a, self.src))
        {
            Some("fork") => StartMethod::Fork,
            Some("spawn") => StartMethod::Spawn,
            Some("forkserver") => StartMethod::Forkserver,
            _ => self.default_start,
        }
    }

    /// A type annotation naming a pool class (also as a string, or in `Optional[...]`).
    pub fn annotation_kind(&self, annotation: Node<'t>, scope: ScopeId) -> PoolKind {
        let raw = self.text(annotation);
        let raw = raw.trim().trim_matches(|c| c == '"' || c == '\'');
        // Take every dotted name in the annotation; all must agree.
        let mut kinds = Vec::new();
        for word in raw.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')) {
            if word.is_empty() || word == "None" || word == "Optional" || word.contains("typing") {
                continue;
            }
            let mut parts = word.split('.');
            let head = parts.next().unwrap_or("");
            let head_q = match self.lookup(scope, head, annotation.start_byte()) {
                Some((
                    _,
                    Binding {
                        value: BindingValue::Import(q),
                        ..
                    },
                )) => q.clone(),
                _ => head.to_string(),
            };
            let q: String = std::iter::once(head_q.as_str())
                .chain(parts)
                .collect::<Vec<_>>()
                .join(".");
            let kind = match q.as_str() {
                "concurrent.futures.ProcessPoolExecutor"
                | "concurrent.futures.process.ProcessPoolExecutor" => {
                    PoolKind::ProcessExecutor(self.default_start)
                }
                "multiprocessing.Pool" | "multiprocessing.pool.Pool" => {
                    PoolKind::ProcessPool(self.default_start)
                }
                "concurrent.futures.ThreadPoolExecutor"
                | "multiprocessing.pool.ThreadPool"
                | "multiprocessing.dummy.Pool" => PoolKind::Thread,
                _ => PoolKind::Unknown,
            };
            kinds.push(kind);
        }
        match kinds.split_first() {
            Some((first, rest)) if rest.iter().all(|k| k == first) => *first,
            _ => PoolKind::Unknown,
        }
    }

    /// `multiprocessing.set_start_method("fork")` anywhere in the module pins fork.
    fn find_pinned_start(&self) -> StartMethod {
        for &(call, scope) in &self.calls {
            let Some(callee) = call.child_by_field_name("function") else {
                continue;
            };
            if let Some(q) = self.qualname(callee, scope) {
                if q == "multiprocessing.set_start_method" {
                    let args = call_args(call, self.src);
                    if let Some(v) = args
                        .get(Some(0), "method")
                        .and_then(|a| string_value(a, self.src))
                    {
                        return match v {
                            "fork" => StartMethod::Fork,
                            "spawn" => StartMethod::Spawn,
                            "forkserver" => StartMethod::Forkserver,
                            _ => StartMethod::Default,
                        };
                    }
                }
            }
        }
        StartMethod::Default
    }

    /// Names local to a function scope (parameters and anything it binds).
    pub fn locals(&self, scope: ScopeId) -> HashSet<&str> {
        let sc = &self.scopes[scope];
        sc.bindings
            .iter()
            .map(|b| b.name.as_str())
            .filter(|n| !sc.not_local.contains(*n))
            .collect()
    }

    /// Every name bound at module level (including `global` declarations in functions).
    pub fn module_names(&self) -> HashSet<&str> {
        self.scopes[MODULE_SCOPE]
            .bindings
            .iter()
            .map(|b| b.name.as_str())
            .collect()
    }

    /// Identifiers used somewhere that resolve to no local binding: globals or builtins.
    /// Computed once: every planned fix of the module asks for it.
    pub fn free_names(&self) -> &HashSet<String> {
        self.free_names.get_or_init(|| {
            self.identifiers
                .iter()
                .filter(|(node, scope)| {
                    let name = self.text(*node);
                    !matches!(self.lookup(*scope, name, node.start_byte()), Some((s, _)) if s != MODULE_SCOPE)
                })
                .map(|(node, _)| self.text(*node).to_string())
                .collect()
        })
    }

    /// Facts every planned fix asks for, computed on first use (see `module_index`).
    pub fn index(&self) -> &crate::module_index::ModuleIndex {
        self.index
            .get_or_init(|| crate::module_index::ModuleIndex::build(self))
    }

    /// Every name bound at module level or used as a global or builtin. Computed once.
    pub fn names_in_use(&self) -> &HashSet<String> {
        self.names_in_use.get_or_init(|| {
            let mut names: HashSet<String> =
                self.module_names().into_iter().map(String::from).collect();
            names.extend(self.free_names().iter().cloned());
            names
        })
    }

    /// Whether a fix planned earlier on this module picked `name` for something other than
    /// `owner` (`None`: for something no other plan shares).
    pub fn claimed_by_other(&self, name: &str, owner: Option<&str>) -> bool {
        let claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        match claimed.get(name) {
            Some(by) => owner.is_none() || by.as_deref() != owner,
            None => false,
        }
    }

    pub fn claim(&self, name: &str, owner: Option<&str>) {
        let mut claimed = self.claimed.lock().unwrap_or_else(|e| e.into_inner());
        claimed
            .entry(name.to_string())
            .or_insert_with(|| owner.map(String::from));
    }

    /// See `free_suffixes`.
    pub fn free_suffix(&self, base: &str) -> usize {
        let known = self.free_suffixes.lock().unwrap_or_else(|e| e.into_inner());
        known.get(base).copied().unwrap_or(1)
    }

    pub fn set_free_suffix(&self, base: &str, n: usize) {
        let mut known = self.free_suffixes.lock().unwrap_or_else(|e| e.into_inner());
        known.insert(base.to_string(), n);
    }

    pub fn in_main_guard(&self, at: usize) -> bool {
        self.main_guards.iter().any(|r| r.contains(&at))
    }

    /// The function or lambda scope chain from `scope` up: is any of them a function?
    pub fn is_inside_function(&self, mut scope: ScopeId) -> bool {
        loop {
            let sc = &self.scopes[scope];
            if matches!(sc.kind, ScopeKind::Function | ScopeKind::Lambda) {
                return true;
            }
            match sc.parent {
                Some(p) => scope = p,
                None => return false,
            }
        }
    }
}

/// The identifier a parameter binds: `x`, `x: T`, `x=1`, `*args`, `**kw`.
pub fn first_param_ident(p: Node) -> Option<Node> {
    match p.kind() {
        "identifier" => Some(p),
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => named_children(p)
            .into_iter()
            .find(|c| c.kind() == "identifier"),
        "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
        _ => None,
    }
}

/// `@staticmethod` → `staticmethod`, `@functools.wraps(f)` → `functools.wraps`.
fn decorator_name(decorator: Node, src: &str) -> String {
    let expr = decorator.named_child(0);
    match expr {
        Some(e) if e.kind() == "call" => e
            .child_by_field_name("function")
            .map(|f| text(f, src).to_string())
            .unwrap_or_default(),
        Some(e) => text(e, src).to_string(),
        None => String::new(),
    }
}

fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `__name__ == "__main__"` (either order, either quote).
pub fn is_main_guard(cond: Node, src: &str) -> bool {
    let cond = strip_parens(cond);
    // `if __name__ == "__main__" and not os.environ.get(...)`: the block still runs only
    // in the main program.
    if cond.kind() == "boolean_operator" && children(cond).iter().any(|c| c.kind() == "and") {
        return cond
            .child_by_field_name("left")
            .is_some_and(|l| is_main_guard(l, src))
            || cond
                .child_by_field_name("right")
                .is_some_and(|r| is_main_guard(r, src));
    }
    if cond.kind() != "comparison_operator" {
        return false;
    }
    let parts = named_children(cond);
    if parts.len() != 2 || !children(cond).iter().any(|c| c.kind() == "==") {
        return false;
    }
    let is_name = |n: Node| n.kind() == "identifier" && text(n, src) == "__name__";
    let is_main = |n: Node| string_value(n, src) == Some("__main__");
    (is_name(parts[0]) && is_main(parts[1])) || (is_main(parts[0]) && is_name(parts[1]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{descendants, parse};

    fn kind_of(src: &str, needle: &str) -> PoolKind {
        let tree = parse(src).unwrap();
        let m = Module::build(tree.root_node(), src);
        let (node, scope) = m
            .calls
            .iter()
            .find(|(c, _)| m.text(*c).starts_with(needle))
            .map(|(c, s)| {
                let f = c.child_by_field_name("function").unwrap();
                (f.child_by_field_name("object").unwrap(), *s)
            })
            .unwrap();
        m.pool_kind(node, scope, 0)
    }

    #[test]
    fn resolves_aliases_and_bindings() {
        let src = "import multiprocessing as mp\nwith mp.Pool(2) as p:\n    p.map(f, xs)\n";
        assert_eq!(
            kind_of(src, "p.map"),
            PoolKind::ProcessPool(StartMethod::Default)
        );
        let src =
            "from concurrent import futures\nex = futures.ProcessPoolExecutor()\nex.submit(f)\n";
        assert_eq!(
            kind_of(src, "ex.submit"),
            PoolKind::ProcessExecutor(StartMethod::Default)
        );
        let src = "from multiprocessing.dummy import Pool\nwith Pool() as p:\n    p.map(f, xs)\n";
        assert_eq!(kind_of(src, "p.map"), PoolKind::Thread);
    }

    #[test]
    fn resolves_contexts_and_self_attributes() {
        let src = "import multiprocessing as mp\nctx = mp.get_context('fork')\nwith ctx.Pool() as p:\n    p.map(f, xs)\n";
        assert_eq!(
            kind_of(src, "p.map"),
            PoolKind::ProcessPool(StartMethod::Fork)
        );
        let src = "from concurrent.futures import ProcessPoolExecutor as PPE\nclass C:\n    def __init__(self):\n        self.ex = PPE(2)\n    def run(self):\n        self.ex.submit(f)\n";
        assert_eq!(
            kind_of(src, "self.ex.submit"),
            PoolKind::ProcessExecutor(StartMethod::Default)
        );
        let src = "class C:\n    def run(self):\n        self.executor.submit(f)\n";
        assert_eq!(kind_of(src, "self.executor.submit"), PoolKind::Unknown);
    }

    #[test]
    fn annotated_parameters() {
        let src =
            "import multiprocessing as mp\ndef run(pool: 'mp.pool.Pool'):\n    pool.map(f, xs)\n";
        assert_eq!(
            kind_of(src, "pool.map"),
            PoolKind::ProcessPool(StartMethod::Default)
        );
    }

    #[test]
    fn main_guard_and_names() {
        let src = "import os\nx = 1\ndef f(a):\n    b = a\n    return len(b)\nif __name__ == '__main__':\n    f(x)\n";
        let tree = parse(src).unwrap();
        let m = Module::build(tree.root_node(), src);
        assert_eq!(m.main_guards.len(), 1);
        let names = m.module_names();
        assert!(names.contains("os") && names.contains("x") && names.contains("f"));
        let free = m.free_names();
        assert!(free.contains("len") && !free.contains("b"), "{free:?}");
        assert!(descendants(tree.root_node()).count() > 0);
    }
}
