//! What one module tells the rest of the project: its classes (bases as written, resolved
//! through its imports; keywords; decorators; every name bound in the body) and, on demand,
//! every occurrence of a name (a def, a class-body binding or use, an attribute load or store,
//! a bare name, a string that spells it).
//!
//! Facts are owned data, so they outlive the tree they were read from and can be shared
//! between the threads that judge other files.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tree_sitter::Node;

use crate::parse::{descendants, named_children, string_value, strip_parens};
use crate::resolve::{Binding, BindingValue, Module, ScopeKind, MODULE_SCOPE};

/// A base class expression, resolved as far as this module can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseExpr {
    /// A class this module defines at top level, by name.
    Local(String),
    /// A dotted name through this module's imports (`pkg.mod.Base`); relative imports are
    /// already made absolute against the module's own path (`src.pkg.base.Base`).
    Qual(String),
    /// A name with no binding: a builtin (`object`, `dict`, `Exception`).
    Builtin(String),
    /// A name no statement binds, in a module with star imports: `Name` from one of them
    /// (absolute module names), or a builtin.
    Star(String, Vec<String>),
    /// Anything else (`make_base()`, `Base` bound to a value, `six.with_metaclass(...)`).
    Opaque(String),
}

#[derive(Debug, Clone)]
pub struct ClassFacts {
    pub name: String,
    pub line: usize,
    /// A statement of the module body (not inside a function, class or block).
    pub top_level: bool,
    pub bases: Vec<BaseExpr>,
    /// `metaclass=M` and any other class keyword (they reach `__init_subclass__`).
    pub keywords: Vec<String>,
    pub decorators: Vec<String>,
    /// Every name bound directly in the class body (defs, assignments, imports…).
    pub defines: HashSet<String>,
    /// `self.x = …` in the class's methods, in source order.
    pub attrs: Vec<AttrFact>,
    /// Attributes set through `self` only in this class's `__init__`, with values that
    /// pickle (read-only state, see `state`).
    pub init_attrs: HashSet<String>,
    /// Every other attribute this class assigns through `self`.
    pub written_attrs: HashSet<String>,
}

/// One `self.x = value` in a method: what instance analysis needs to know of it.
#[derive(Debug, Clone)]
pub struct AttrFact {
    pub name: String,
    pub line: usize,
    /// The method that assigns it.
    pub method: String,
    /// The assignment as written (one line, shortened).
    pub text: String,
    /// The value is known not to pickle.
    pub problem: Option<crate::unpicklable::Unpicklable>,
}

#[derive(Debug, Clone)]
pub struct FileFacts {
    pub path: PathBuf,
    /// Dotted names the module can be imported as (see `project::module_names`).
    pub module_names: Vec<String>,
    pub classes: Vec<ClassFacts>,
    /// Module-level names bound by imports, to their dotted target (re-exports).
    pub imports: HashMap<String, String>,
    /// Module-level names bound more than once, or in several ways: not one class.
    pub ambiguous: HashSet<String>,
    /// Every import target in any scope (absolute dotted names): `from m import x` → `m.x`.
    pub imported: Vec<String>,
    /// Modules this one star-imports (absolute dotted names).
    pub star_imports: Vec<String>,
    pub has_all: bool,
}

/// The class's `self.x = …` assignments, with what the table says of each value.
fn attr_facts(module: &Module, c: &crate::resolve::Class) -> Vec<AttrFact> {
    let mut out = Vec::new();
    for (name, assigns) in &c.self_attrs {
        for a in assigns {
            let Some(method) = c
                .methods
                .iter()
                .find(|m| m.def.byte_range().contains(&a.target.start_byte()))
            else {
                continue;
            };
            let statement = a.target.parent().unwrap_or(a.target);
            let text: String = module
                .text(statement)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let text = match text.char_indices().nth(80) {
                Some((i, _)) => format!("{}…", &text[..i]),
                None => text,
            };
            let scope = method.scope;
            out.push(AttrFact {
                name: name.clone(),
                line: a.target.start_position().row + 1,
                method: method.name.clone(),
                text,
                problem: a
                    .value
                    .and_then(|v| crate::unpicklable::unpicklable(module, v, scope)),
            });
        }
    }
    out.sort_by_key(|a| a.line);
    out
}

impl FileFacts {
    pub fn from_module(module: &Module, path: &Path, module_names: Vec<String>) -> FileFacts {
        let package = package_of(&module_names, path);
        let absolute = |q: &str| absolutize(q, &package);
        let star_imports: Vec<String> = star_import_targets(module)
            .into_iter()
            .map(|m| absolute(&m))
            .collect();
        let mut classes = Vec::new();
        for (class_id, c) in module.classes.iter().enumerate() {
            let top_level = c.parent_scope == MODULE_SCOPE
                && c.stmt.parent().is_some_and(|p| p.kind() == "module");
            let mut bases = Vec::new();
            let mut keywords = Vec::new();
            if let Some(list) = c.node.child_by_field_name("superclasses") {
                for b in named_children(list) {
                    match b.kind() {
                        "keyword_argument" => {
                            let name = b.child_by_field_name("name").map_or("", |n| module.text(n));
                            keywords.push(name.to_string());
                        }
                        "comment" => {}
                        "list_splat" | "dictionary_splat" => {
                            bases.push(BaseExpr::Opaque(module.text(b).to_string()));
                            keywords.push("**".to_string());
                        }
                        _ => bases.push(base_expr(
                            module,
                            b,
                            c.parent_scope,
                            &absolute,
                            &star_imports,
                            0,
                        )),
                    }
                }
            }
            let decorators = match c.stmt.kind() {
                "decorated_definition" => named_children(c.stmt)
                    .into_iter()
                    .filter(|d| d.kind() == "decorator")
                    .map(|d| {
                        module
                            .text(d)
                            .trim_start_matches('@')
                            .trim()
                            .split('(')
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let defines = module.scopes[c.scope]
                .bindings
                .iter()
                .map(|b| b.name.clone())
                .collect();
            let (init_attrs, written_attrs) = crate::state::attribute_kinds(module, class_id);
            classes.push(ClassFacts {
                init_attrs: init_attrs.into_iter().collect(),
                written_attrs: written_attrs.into_iter().collect(),
                name: c.name.clone(),
                line: c.node.start_position().row + 1,
                top_level,
                bases,
                keywords,
                decorators,
                defines,
                attrs: attr_facts(module, c),
            });
        }
        let mut imports = HashMap::new();
        let mut kinds: HashMap<&str, usize> = HashMap::new();
        let mut has_all = false;
        for b in &module.scopes[MODULE_SCOPE].bindings {
            *kinds.entry(b.name.as_str()).or_default() += 1;
            if b.name == "__all__" {
                has_all = true;
            }
            if let BindingValue::Import(q) = &b.value {
                imports.insert(b.name.clone(), absolute(q));
            }
        }
        let mut imported: Vec<String> = module
            .scopes
            .iter()
            .flat_map(|sc| sc.bindings.iter())
            .filter_map(|b| match &b.value {
                BindingValue::Import(q) => Some(absolute(q)),
                _ => None,
            })
            .collect();
        imported.sort();
        imported.dedup();
        let ambiguous = kinds
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, _)| k.to_string())
            .collect();
        FileFacts {
            path: path.to_path_buf(),
            module_names,
            classes,
            imports,
            ambiguous,
            imported,
            star_imports,
            has_all,
        }
    }

    /// Does this module import anything from one of `modules` (or the module itself)?
    pub fn imports_from(&self, modules: &[String]) -> bool {
        let hit = |target: &str| {
            modules.iter().any(|m| {
                target == m
                    || target
                        .strip_prefix(m.as_str())
                        .is_some_and(|r| r.starts_with('.'))
            })
        };
        self.imported.iter().any(|t| hit(t)) || self.star_imports.iter().any(|t| hit(t))
    }

    /// The top-level class `name`, when exactly one statement defines it.
    pub fn class_named(&self, name: &str) -> Option<usize> {
        if self.ambiguous.contains(name) {
            return None;
        }
        let mut found = self
            .classes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name == name && c.top_level);
        let first = found.next()?.0;
        found.next().is_none().then_some(first)
    }
}

fn base_expr(
    module: &Module,
    node: Node,
    scope: usize,
    absolute: &dyn Fn(&str) -> String,
    stars: &[String],
    depth: u8,
) -> BaseExpr {
    // `Generic[T]`, `Base[int]`: the class is the subscripted value.
    let mut node = strip_parens(node);
    if node.kind() == "subscript" {
        if let Some(v) = node.child_by_field_name("value") {
            node = v;
        }
    }
    let text = module.text(node).to_string();
    let mut parts: Vec<&str> = Vec::new();
    let mut cur = node;
    while cur.kind() == "attribute" {
        let (Some(attr), Some(obj)) = (
            cur.child_by_field_name("attribute"),
            cur.child_by_field_name("object"),
        ) else {
            return BaseExpr::Opaque(text);
        };
        parts.push(module.text(attr));
        cur = strip_parens(obj);
    }
    if cur.kind() != "identifier" {
        return BaseExpr::Opaque(text);
    }
    parts.reverse();
    let head = module.text(cur);
    match module.lookup(scope, head, node.start_byte()) {
        None if module.star_import && parts.is_empty() => {
            BaseExpr::Star(head.to_string(), stars.to_vec())
        }
        None => {
            if parts.is_empty() {
                BaseExpr::Builtin(head.to_string())
            } else {
                BaseExpr::Opaque(text)
            }
        }
        // `Base = base.Worker` (bound once, at module level): follow the alias.
        Some((
            MODULE_SCOPE,
            Binding {
                value: BindingValue::Value(v),
                ..
            },
        )) if parts.is_empty()
            && depth < 4
            && matches!(strip_parens(*v).kind(), "identifier" | "attribute")
            && module.scopes[MODULE_SCOPE].bindings_named(head).count() == 1 =>
        {
            base_expr(module, *v, MODULE_SCOPE, absolute, stars, depth + 1)
        }
        Some((
            s,
            Binding {
                value: BindingValue::Import(q),
                ..
            },
        )) if s == MODULE_SCOPE || module.scopes[s].kind == ScopeKind::Function => {
            let mut q = absolute(q);
            for p in parts {
                q.push('.');
                q.push_str(p);
            }
            BaseExpr::Qual(q)
        }
        Some((
            s,
            Binding {
                value: BindingValue::Class(_),
                ..
            },
        )) if s == MODULE_SCOPE && parts.is_empty() => BaseExpr::Local(head.to_string()),
        _ => BaseExpr::Opaque(text),
    }
}

/// The package a module lives in, as the dotted path from the project root.
fn package_of(module_names: &[String], path: &Path) -> Vec<String> {
    let full = module_names.first().cloned().unwrap_or_default();
    let mut parts: Vec<String> = full
        .split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let is_init = path.file_name().is_some_and(|n| n == "__init__.py");
    if !is_init {
        parts.pop();
    }
    parts
}

/// `.base.Worker` in package `src.pkg` → `src.pkg.base.Worker`; absolute names unchanged.
fn absolutize(q: &str, package: &[String]) -> String {
    let dots = q.chars().take_while(|&c| c == '.').count();
    if dots == 0 {
        return q.to_string();
    }
    let rest = q[dots..].trim_start_matches('.');
    let keep = package.len().saturating_sub(dots - 1);
    let mut parts: Vec<&str> = package[..keep].iter().map(String::as_str).collect();
    if !rest.is_empty() {
        parts.push(rest);
    }
    parts.join(".")
}

fn star_import_targets(module: &Module) -> Vec<String> {
    if !module.star_import {
        return Vec::new();
    }
    descendants(module.root)
        .filter(|n| n.kind() == "import_from_statement")
        .filter(|n| {
            named_children(*n)
                .iter()
                .any(|c| c.kind() == "wildcard_import")
        })
        .filter_map(|n| n.child_by_field_name("module_name"))
        .map(|m| module.text(m).split_whitespace().collect::<String>())
        .collect()
}

/// One place a name occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub line: usize,
    pub kind: OccurrenceKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OccurrenceKind {
    /// `def name` (in the body of `class`, when it is a method).
    Def { class: Option<String> },
    /// Bound directly in a class body other than by `def` (`name = …`, an import).
    ClassBodyBinding { class: String },
    /// Read directly in a class body (`alias = name`, `{"a": name}`).
    ClassBodyLoad { class: String },
    /// `x.name` read.
    AttributeLoad,
    /// `x.name = …`, `x.name += …`, `del x.name`, a loop or `with` target.
    AttributeStore,
    /// A bare name anywhere else (a local, a function of that name, an argument).
    Name,
    /// A string literal that spells the name; `setattr`/`delattr` say whether it names a store.
    /// `key`: the whole literal is the name and it is not a `getattr`/`hasattr` argument or a
    /// docstring, so it may become an instance-dict key (`obj.__dict__["m"] = f`).
    Str { store: bool, key: bool },
    /// A keyword argument named like the method (`Worker(m=f)`, `obj.__dict__.update(m=f)`):
    /// another way to spell an instance-dict key.
    Keyword,
}

impl OccurrenceKind {
    /// Can this occurrence change what `instance.name` means, or reach the method by its
    /// class-body binding?
    pub fn rebinds(&self) -> bool {
        matches!(
            self,
            OccurrenceKind::AttributeStore | OccurrenceKind::Str { store: true, .. }
        )
    }

    /// Can this occurrence carry the name as data, into `setattr(obj, k, v)`, `obj.__dict__`
    /// or `vars(obj)` somewhere else?
    pub fn names_a_key(&self) -> bool {
        matches!(
            self,
            OccurrenceKind::Str { key: true, .. } | OccurrenceKind::Keyword
        )
    }
}

/// Every occurrence of `name` in `module`.
pub fn occurrences(module: &Module, name: &str) -> Arc<Vec<Occurrence>> {
    module
        .index()
        .occurrences(name, || compute_occurrences(module, name))
}

fn compute_occurrences(module: &Module, name: &str) -> Vec<Occurrence> {
    let line = |n: Node| n.start_position().row + 1;
    let mut out = Vec::new();
    let class_name = |scope: usize| -> Option<String> {
        let sc = &module.scopes[scope];
        (sc.kind == ScopeKind::Class)
            .then(|| sc.class.map(|c| module.classes[c].name.clone()))
            .flatten()
    };
    let mut binding_sites: HashSet<usize> = HashSet::new();
    for &scope_id in module.index().scopes_binding(name) {
        let scope = &module.scopes[scope_id];
        for b in scope.bindings_named(name) {
            binding_sites.insert(b.at);
            let at_line = module.index().line_of(b.at);
            match (&b.value, class_name(scope_id)) {
                (BindingValue::Function(_), class) => out.push(Occurrence {
                    line: at_line,
                    kind: OccurrenceKind::Def { class },
                }),
                (_, Some(class)) => out.push(Occurrence {
                    line: at_line,
                    kind: OccurrenceKind::ClassBodyBinding { class },
                }),
                _ => {}
            }
        }
    }
    for (ident, scope) in module.identifiers_named(name) {
        if binding_sites.contains(&ident.start_byte()) {
            continue;
        }
        let kind = match class_name(scope) {
            Some(class) => OccurrenceKind::ClassBodyLoad { class },
            None => OccurrenceKind::Name,
        };
        out.push(Occurrence {
            line: line(ident),
            kind,
        });
    }
    for (attr, _) in module.attributes_named(name) {
        let kind = if is_store_target(attr) {
            OccurrenceKind::AttributeStore
        } else {
            OccurrenceKind::AttributeLoad
        };
        out.push(Occurrence {
            line: line(attr),
            kind,
        });
    }
    // A string that holds the name as a word (`"_m"`, a doctest `>>> W()._m(2)`, an `eval`
    // table) may reach it. Only the strings holding it as a word are looked at.
    {
        for s in module.strings_with_word(name) {
            let exact = string_value(s, module.src) == Some(name);
            if exact || contains_word(&literal_text(module, s), name) {
                let store = exact && is_setattr_name(module, s);
                let key = exact && !store && !is_lookup_name(module, s) && !is_docstring(s);
                out.push(Occurrence {
                    line: line(s),
                    kind: OccurrenceKind::Str { store, key },
                });
            }
        }
    }
    for &line in module.index().keyword_lines(name) {
        out.push(Occurrence {
            line,
            kind: OccurrenceKind::Keyword,
        });
    }
    out.sort_by_key(|o| o.line);
    out
}

/// A use of a class that can change what its attributes are, or call its methods with an
/// instance of another class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClassUse {
    /// `setattr(C, …)`, `delattr(C, …)`, `patch.object(C, …)`, `copyreg.pickle(C, …)`,
    /// `type("X", (C,), {…})`: the callee's text.
    Rebinding { line: usize, callee: String },
    /// `C.m(first, …)`: the function called with an explicit first argument.
    UnboundCall {
        line: usize,
        method: String,
        first: String,
    },
    /// A string that spells `C.` followed by more (`mock.patch("pkg.C.m")`).
    DottedString { line: usize, text: String },
}

/// Every use of class `name` in `module` that `ClassUse` describes.
pub fn class_uses(module: &Module, name: &str) -> Vec<ClassUse> {
    let names_class = |n: Node| {
        let n = strip_parens(n);
        let t = module.text(n);
        t == name || t.rsplit('.').next() == Some(name) && n.kind() == "attribute"
    };
    let mut out = Vec::new();
    // Only the calls that can name the class (`module_index`), not every call per class.
    for i in module.index().calls_maybe_using(name) {
        let (call, _) = module.calls[i];
        let Some(f) = call.child_by_field_name("function") else {
            continue;
        };
        let line = call.start_position().row + 1;
        let callee = module.text(f);
        let args = crate::parse::call_args(call, module.src);
        let first = args.positional.first().copied();
        let rebinds = match callee.rsplit('.').next().unwrap_or(callee) {
            "setattr" | "delattr" => first.is_some_and(names_class),
            "object" if callee.ends_with("patch.object") => first.is_some_and(names_class),
            "pickle" if callee.contains("copyreg") || callee.contains("copy_reg") => {
                first.is_some_and(names_class)
            }
            "type" => args.positional.get(1).is_some_and(|bases| {
                descendants(*bases).any(|b| b.kind() == "identifier" && module.text(b) == name)
            }),
            _ => false,
        };
        if rebinds {
            out.push(ClassUse::Rebinding {
                line,
                callee: callee.to_string(),
            });
        }
        if f.kind() == "attribute" {
            let (Some(obj), Some(attr)) = (
                f.child_by_field_name("object"),
                f.child_by_field_name("attribute"),
            ) else {
                continue;
            };
            if names_class(obj) {
                out.push(ClassUse::UnboundCall {
                    line,
                    method: module.text(attr).to_string(),
                    first: first
                        .map(|a| module.text(a).to_string())
                        .unwrap_or_default(),
                });
            }
        }
    }
    let dotted = format!("{name}.");
    {
        for s in module
            .index()
            .dotted_strings()
            .iter()
            .map(|&i| module.strings[i])
        {
            let text = literal_text(module, s);
            if text.contains(&dotted) {
                out.push(ClassUse::DottedString {
                    line: s.start_position().row + 1,
                    text: text.to_string(),
                });
            }
        }
    }
    out
}

/// The literal parts of a string (an f-string's replacement fields are code, not text).
pub fn literal_text(module: &Module, string: Node) -> String {
    named_children(string)
        .into_iter()
        .filter(|c| c.kind() == "string_content")
        .map(|c| module.text(c))
        .collect()
}

/// Does `text` hold `word` with no identifier character on either side?
pub fn contains_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(ident)
            && !text[at + word.len()..].chars().next().is_some_and(ident)
    })
}

/// Is `node` (an attribute) written, deleted or bound by a loop/`with`/unpacking?
pub fn is_store_target(node: Node) -> bool {
    let mut child = node;
    while let Some(parent) = child.parent() {
        match parent.kind() {
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "tuple"
            | "list"
            | "parenthesized_expression"
            | "list_splat_pattern"
            | "list_splat" => {
                child = parent;
            }
            "assignment" | "augmented_assignment" => {
                return parent
                    .child_by_field_name("left")
                    .is_some_and(|l| l.id() == child.id());
            }
            "for_statement" | "for_in_clause" => {
                return parent
                    .child_by_field_name("left")
                    .is_some_and(|l| l.id() == child.id());
            }
            "delete_statement" | "as_pattern_target" => return true,
            _ => return false,
        }
    }
    false
}

/// `setattr(x, "name", v)` / `delattr(x, "name")`: the string names an attribute store.
/// `getattr(obj, "m")`, `hasattr(obj, "m")`: a read, which the wrapper the fix keeps serves.
fn is_lookup_name(module: &Module, string: Node) -> bool {
    let Some(args) = string.parent().filter(|p| p.kind() == "argument_list") else {
        return false;
    };
    let second = named_children(args).get(1).map(|a| a.id()) == Some(string.id());
    second
        && args
            .parent()
            .and_then(|call| call.child_by_field_name("function"))
            .is_some_and(|f| matches!(module.text(f), "getattr" | "hasattr"))
}

/// A string that is a statement of its own (a docstring) is never data.
fn is_docstring(string: Node) -> bool {
    string
        .parent()
        .is_some_and(|p| p.kind() == "expression_statement" && p.named_child_count() == 1)
}

fn is_setattr_name(module: &Module, string: Node) -> bool {
    let Some(args) = string.parent().filter(|p| p.kind() == "argument_list") else {
        return false;
    };
    let Some(call) = args.parent() else {
        return false;
    };
    call.child_by_field_name("function")
        .is_some_and(|f| matches!(module.text(f), "setattr" | "delattr" | "object.__setattr__"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn facts(src: &str, path: &str, names: &[&str]) -> FileFacts {
        let tree = parse(src).unwrap();
        let module = Module::build(tree.root_node(), src);
        FileFacts::from_module(
            &module,
            Path::new(path),
            names.iter().map(|s| s.to_string()).collect(),
        )
    }

    #[test]
    fn bases_resolve_through_imports() {
        let src = "from .base import Worker as W\nimport pkg.mixins as mx\nfrom typing import Generic\nclass Local: pass\nBase = make()\nclass A(W, mx.Loud, Local, object, Generic[T], Base, metaclass=M):\n    x = 1\n    def f(self): pass\n";
        let f = facts(src, "/p/pkg/sub.py", &["pkg.sub", "sub"]);
        let a = &f.classes[1];
        assert_eq!(
            a.bases,
            vec![
                BaseExpr::Qual("pkg.base.Worker".into()),
                BaseExpr::Qual("pkg.mixins.Loud".into()),
                BaseExpr::Local("Local".into()),
                BaseExpr::Builtin("object".into()),
                BaseExpr::Qual("typing.Generic".into()),
                BaseExpr::Opaque("Base".into()),
            ]
        );
        assert_eq!(a.keywords, vec!["metaclass".to_string()]);
        assert!(a.defines.contains("x") && a.defines.contains("f"));
        assert_eq!(f.class_named("A"), Some(1));
    }

    #[test]
    fn relative_imports_from_a_package_init() {
        assert_eq!(
            absolutize("..core.X", &["a".into(), "b".into()]),
            "a.core.X"
        );
        assert_eq!(absolutize(".X", &["a".into()]), "a.X");
        let f = facts(
            "from . import base\nclass S(base.W): pass\n",
            "/p/pkg/__init__.py",
            &["pkg"],
        );
        assert_eq!(
            f.classes[0].bases,
            vec![BaseExpr::Qual("pkg.base.W".into())]
        );
    }

    #[test]
    fn occurrences_tell_loads_from_stores() {
        let src = "class W:\n    def _m(self): pass\n    alias = _m\n    table = {'a': _m}\n    def __init__(self):\n        self._m = self._m\n        setattr(self, '_m', 1)\n        getattr(self, '_m')\nx = W()._m\ndel x._m\nW(_m=1)\nx.__dict__['_m'] = 2\n'_m'\nhasattr(x, '_m')\n";
        let tree = parse(src).unwrap();
        let module = Module::build(tree.root_node(), src);
        let kinds: Vec<(usize, OccurrenceKind)> = occurrences(&module, "_m")
            .as_ref()
            .clone()
            .into_iter()
            .map(|o| (o.line, o.kind))
            .collect();
        use OccurrenceKind::*;
        let w = || "W".to_string();
        assert!(kinds.contains(&(2, Def { class: Some(w()) })));
        assert!(kinds.contains(&(3, ClassBodyLoad { class: w() })));
        assert!(kinds.contains(&(4, ClassBodyLoad { class: w() })));
        assert!(kinds.contains(&(6, AttributeStore)));
        assert!(kinds.contains(&(6, AttributeLoad)));
        assert!(kinds.contains(&(
            7,
            Str {
                store: true,
                key: false
            }
        )));
        assert!(kinds.contains(&(
            8,
            Str {
                store: false,
                key: false
            }
        )));
        assert!(kinds.contains(&(9, AttributeLoad)));
        assert!(kinds.contains(&(10, AttributeStore)));
        assert!(kinds.contains(&(11, Keyword)));
        assert!(kinds.contains(&(
            12,
            Str {
                store: false,
                key: true
            }
        )));
        assert!(kinds.contains(&(
            13,
            Str {
                store: false,
                key: false
            }
        )));
        assert!(kinds.contains(&(
            14,
            Str {
                store: false,
                key: false
            }
        )));
        assert!(!kinds
            .iter()
            .any(|(_, k)| k.names_a_key() && !matches!(k, Keyword | Str { key: true, .. })));
    }
}
