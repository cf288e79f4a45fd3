//! CPython's symbol table (Python/symtable.c, 3.11): the names each scope binds, uses and
//! declares, and the SyntaxErrors it raises on the way (`global` after use, `nonlocal` without
//! a binding, `yield` in a comprehension, walrus rules, `import *` in a function).
//!
//! It mirrors CPython's two passes: flags are collected in visit order (errors there come
//! first), then each scope's `nonlocal` names are resolved against the enclosing functions.
//! The compiler checks read the finished table (is a function an async generator, is a
//! comprehension asynchronous).

use std::collections::HashMap;

use rustpython_parser::ast::{self, Expr, Pattern, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

use super::walk::{generators, Comprehension, Frame, Scope, Slot, Visitor, Walk};
use super::Rejection;

const DEF_GLOBAL: u32 = 1;
const DEF_LOCAL: u32 = 1 << 1;
const DEF_PARAM: u32 = 1 << 2;
const DEF_NONLOCAL: u32 = 1 << 3;
const USE: u32 = 1 << 4;
const DEF_IMPORT: u32 = 1 << 7;
const DEF_ANNOT: u32 = 1 << 8;
const DEF_COMP_ITER: u32 = 1 << 9;
const DEF_BOUND: u32 = DEF_LOCAL | DEF_PARAM | DEF_IMPORT;

/// CPython's block types (a comprehension and a lambda are function blocks).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Block {
    Module,
    Function,
    Class,
    Annotation,
}

pub(super) struct Entry {
    pub(super) block: Block,
    pub(super) comprehension: Option<Comprehension>,
    parent: Option<usize>,
    /// Names in the order they were first seen, with their flags.
    symbols: Vec<(String, u32)>,
    index: HashMap<String, usize>,
    /// Where each name was first declared `global`/`nonlocal` (or bound by a walrus).
    directives: HashMap<String, TextSize>,
    comp_iter_target: bool,
    pub(super) generator: bool,
    pub(super) coroutine: bool,
}

impl Entry {
    fn new(block: Block, parent: Option<usize>) -> Entry {
        Entry {
            block,
            comprehension: None,
            parent,
            symbols: Vec::new(),
            index: HashMap::new(),
            directives: HashMap::new(),
            comp_iter_target: false,
            generator: false,
            coroutine: false,
        }
    }

    fn flags(&self, name: &str) -> u32 {
        self.index.get(name).map_or(0, |&i| self.symbols[i].1)
    }
}

/// The table, built as the walk goes; entry `n` is the scope entered `n`-th (0: the module).
pub(super) struct Symtable {
    pub(super) entries: Vec<Entry>,
    stack: Vec<usize>,
    /// The class whose body we are in, for private-name mangling.
    private: Vec<String>,
    error: Option<Rejection>,
    /// Identifiers outside ASCII: CPython compares them after NFKC normalization, which we do
    /// not do, so a lookup that fails proves nothing.
    non_ascii: bool,
}

impl Symtable {
    pub(super) fn new() -> Symtable {
        Symtable {
            entries: vec![Entry::new(Block::Module, None)],
            stack: vec![0],
            private: Vec::new(),
            error: None,
            non_ascii: false,
        }
    }

    /// The first error, from the walk or else from resolving `nonlocal` names.
    pub(super) fn finish(&mut self) -> Option<Rejection> {
        if self.error.is_none() {
            self.error = self.analyze();
        }
        self.error.take()
    }

    fn current(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    fn fail(&mut self, at: TextSize, message: String) {
        if self.error.is_none() {
            self.error = Some(Rejection { at, message });
        }
    }

    fn mangle(&self, name: &str) -> String {
        match self.private.last() {
            Some(class) => mangle(class, name),
            None => name.to_string(),
        }
    }

    fn lookup(&self, name: &str) -> u32 {
        self.entries[self.current()].flags(&self.mangle(name))
    }

    fn add_def(&mut self, name: &str, flag: u32, at: TextSize) {
        self.add_def_in(self.current(), name, flag, at);
    }

    /// `symtable_add_def_helper`.
    fn add_def_in(&mut self, entry: usize, name: &str, flag: u32, at: TextSize) {
        if !name.is_ascii() {
            self.non_ascii = true;
        }
        let mangled = self.mangle(name);
        let e = &self.entries[entry];
        let mut val = e.flags(&mangled);
        if flag & DEF_PARAM != 0 && val & DEF_PARAM != 0 {
            self.fail(
                at,
                format!("duplicate argument '{name}' in function definition"),
            );
            return;
        }
        val |= flag;
        if e.comp_iter_target {
            if val & (DEF_GLOBAL | DEF_NONLOCAL) != 0 {
                self.fail(
                    at,
                    format!(
                        "comprehension inner loop cannot rebind assignment expression target '{name}'"
                    ),
                );
                return;
            }
            val |= DEF_COMP_ITER;
        }
        set(&mut self.entries[entry], &mangled, val);
        if flag & DEF_PARAM == 0 && flag & DEF_GLOBAL != 0 {
            let module = &mut self.entries[0];
            let merged = module.flags(&mangled) | flag;
            set(module, &mangled, merged);
        }
    }

    fn record_directive(&mut self, name: &str, at: TextSize) {
        let mangled = self.mangle(name);
        let current = self.current();
        self.entries[current]
            .directives
            .entry(mangled)
            .or_insert(at);
    }

    fn global_or_nonlocal(&mut self, names: &[ast::Identifier], at: TextSize, global: bool) {
        for name in names {
            let cur = self.lookup(name);
            if cur & (DEF_PARAM | DEF_LOCAL | USE | DEF_ANNOT) != 0 {
                let what = if global { "global" } else { "nonlocal" };
                let message = if cur & DEF_PARAM != 0 {
                    format!("name '{name}' is parameter and {what}")
                } else if cur & USE != 0 {
                    format!("name '{name}' is used prior to {what} declaration")
                } else if cur & DEF_ANNOT != 0 {
                    format!("annotated name '{name}' can't be {what}")
                } else {
                    format!("name '{name}' is assigned to before {what} declaration")
                };
                self.fail(at, message);
                return;
            }
            let flag = if global { DEF_GLOBAL } else { DEF_NONLOCAL };
            self.add_def(name, flag, at);
            self.record_directive(name, at);
        }
    }

    /// `symtable_raise_if_annotation_block`.
    fn outside_annotation(&mut self, what: &str, at: TextSize) -> bool {
        if self.entries[self.current()].block == Block::Annotation {
            self.fail(at, format!("'{what}' can not be used within an annotation"));
            return false;
        }
        true
    }

    /// `symtable_extend_namedexpr_scope`: a walrus in a comprehension binds in the nearest
    /// enclosing function (or module).
    fn extend_namedexpr_scope(&mut self, target: &Expr) {
        let Expr::Name(n) = target else { return };
        let name = n.id.as_str();
        let at = target.start();
        let mangled = self.mangle(name);
        for i in (0..self.stack.len()).rev() {
            let entry = self.stack[i];
            let e = &self.entries[entry];
            if e.comprehension.is_some() {
                if e.flags(&mangled) & DEF_COMP_ITER != 0 {
                    self.fail(
                        at,
                        format!(
                            "assignment expression cannot rebind comprehension iteration variable '{name}'"
                        ),
                    );
                    return;
                }
                continue;
            }
            match e.block {
                Block::Function => {
                    let flag = if e.flags(&mangled) & DEF_GLOBAL != 0 {
                        DEF_GLOBAL
                    } else {
                        DEF_NONLOCAL
                    };
                    self.add_def(name, flag, at);
                    self.record_directive(name, at);
                    self.add_def_in(entry, name, DEF_LOCAL, at);
                    return;
                }
                Block::Module => {
                    self.add_def(name, DEF_GLOBAL, at);
                    self.record_directive(name, at);
                    self.add_def_in(entry, name, DEF_GLOBAL, at);
                    return;
                }
                Block::Class => {
                    self.fail(
                        at,
                        "assignment expression within a comprehension cannot be used in a class body"
                            .to_string(),
                    );
                    return;
                }
                Block::Annotation => {}
            }
        }
    }

    fn push(&mut self, block: Block) -> usize {
        let id = self.entries.len();
        self.entries.push(Entry::new(block, Some(self.current())));
        self.stack.push(id);
        id
    }

    fn params(&mut self, args: &ast::Arguments) {
        let params = args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
            .map(|a| &a.def)
            .chain(args.vararg.as_deref())
            .chain(args.kwarg.as_deref());
        for p in params {
            self.add_def(&p.arg, DEF_PARAM, p.start());
        }
    }

    /// `analyze_name` for the names a scope declares: `nonlocal` needs a binding in an
    /// enclosing function, and no name may be both `global` and `nonlocal`.
    fn analyze(&self) -> Option<Rejection> {
        for (id, e) in self.entries.iter().enumerate() {
            for (name, flags) in &e.symbols {
                let at = || e.directives.get(name).copied().unwrap_or_default();
                if flags & DEF_GLOBAL != 0 {
                    if flags & DEF_NONLOCAL != 0 {
                        return Some(Rejection {
                            at: at(),
                            message: format!("name '{name}' is nonlocal and global"),
                        });
                    }
                } else if flags & DEF_NONLOCAL != 0 {
                    if e.block == Block::Module {
                        return Some(Rejection {
                            at: at(),
                            message: "nonlocal declaration not allowed at module level".into(),
                        });
                    }
                    if !self.non_ascii && !self.bound_for(id, name) {
                        return Some(Rejection {
                            at: at(),
                            message: format!("no binding for nonlocal '{name}' found"),
                        });
                    }
                }
            }
        }
        None
    }

    /// Whether `name` is in the set of bindings CPython hands scope `id` from its parents:
    /// the locals of enclosing functions, less the names a function in between declares
    /// `global`; a class adds only `__class__`.
    fn bound_for(&self, id: usize, name: &str) -> bool {
        let mut child = id;
        while let Some(parent) = self.entries[child].parent {
            let p = &self.entries[parent];
            match p.block {
                Block::Module => return false,
                Block::Class => {
                    if name == "__class__" {
                        return true;
                    }
                }
                Block::Function => {
                    let flags = p.flags(name);
                    if flags & DEF_GLOBAL != 0 {
                        return false;
                    }
                    if flags & DEF_NONLOCAL == 0 && flags & DEF_BOUND != 0 {
                        return true;
                    }
                }
                Block::Annotation => {}
            }
            child = parent;
        }
        false
    }
}

fn set(e: &mut Entry, name: &str, flags: u32) {
    match e.index.get(name) {
        Some(&i) => e.symbols[i].1 = flags,
        None => {
            e.index.insert(name.to_string(), e.symbols.len());
            e.symbols.push((name.to_string(), flags));
        }
    }
}

/// `_Py_Mangle`: `__x` in class `C` is `_C__x`.
pub(super) fn mangle(class: &str, name: &str) -> String {
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return name.to_string();
    }
    let class = class.trim_start_matches('_');
    if class.is_empty() {
        return name.to_string();
    }
    format!("_{class}{name}")
}

/// The name an import binds: `import a.b` binds `a`.
pub(super) fn import_binding(alias: &ast::Alias) -> &str {
    match &alias.asname {
        Some(n) => n.as_str(),
        None => alias.name.split('.').next().unwrap_or(""),
    }
}

impl<'a> Visitor<'a> for Symtable {
    fn stmt(&mut self, _walk: &Walk<'a>, stmt: &'a Stmt) {
        let at = stmt.start();
        match stmt {
            Stmt::FunctionDef(d) => self.add_def(&d.name, DEF_LOCAL, at),
            Stmt::AsyncFunctionDef(d) => self.add_def(&d.name, DEF_LOCAL, at),
            Stmt::ClassDef(c) => self.add_def(&c.name, DEF_LOCAL, at),
            Stmt::Import(i) => {
                for alias in &i.names {
                    self.add_def(import_binding(alias), DEF_IMPORT, alias.start());
                }
            }
            Stmt::ImportFrom(i) => {
                for alias in &i.names {
                    if alias.name.as_str() == "*" {
                        if self.entries[self.current()].block != Block::Module {
                            self.fail(
                                alias.start(),
                                "import * only allowed at module level".into(),
                            );
                        }
                        continue;
                    }
                    self.add_def(import_binding(alias), DEF_IMPORT, alias.start());
                }
            }
            Stmt::Global(g) => self.global_or_nonlocal(&g.names, at, true),
            Stmt::Nonlocal(n) => self.global_or_nonlocal(&n.names, at, false),
            Stmt::AnnAssign(a) => {
                let Expr::Name(target) = &*a.target else {
                    return;
                };
                let name = target.id.as_str();
                // rustpython calls `(x): int` simple; CPython does not.
                let simple = at == a.target.start();
                let cur = self.lookup(name);
                if cur & (DEF_GLOBAL | DEF_NONLOCAL) != 0 && self.current() != 0 && simple {
                    let what = if cur & DEF_GLOBAL != 0 {
                        "global"
                    } else {
                        "nonlocal"
                    };
                    self.fail(at, format!("annotated name '{name}' can't be {what}"));
                    return;
                }
                if simple {
                    self.add_def(name, DEF_ANNOT | DEF_LOCAL, a.target.start());
                } else if a.value.is_some() {
                    self.add_def(name, DEF_LOCAL, a.target.start());
                }
            }
            _ => {}
        }
    }

    fn expr(&mut self, walk: &Walk<'a>, expr: &'a Expr, _slot: Slot) {
        let at = expr.start();
        match expr {
            Expr::Name(n) => {
                let load = n.ctx == ast::ExprContext::Load;
                self.add_def(&n.id, if load { USE } else { DEF_LOCAL }, at);
                let current = &self.entries[self.current()];
                if load && current.block == Block::Function && n.id.as_str() == "super" {
                    self.add_def("__class__", USE, at);
                }
            }
            Expr::Yield(_) | Expr::YieldFrom(_) => {
                if !self.outside_annotation("yield expression", at) {
                    return;
                }
                let current = self.current();
                let e = &mut self.entries[current];
                e.generator = true;
                if let Some(kind) = e.comprehension {
                    let what = match kind {
                        Comprehension::List => "list comprehension",
                        Comprehension::Set => "set comprehension",
                        Comprehension::Dict => "dict comprehension",
                        Comprehension::Generator => "generator expression",
                    };
                    self.fail(at, format!("'yield' inside {what}"));
                }
            }
            Expr::Await(_) if self.outside_annotation("await expression", at) => {
                let current = self.current();
                self.entries[current].coroutine = true;
            }
            Expr::NamedExpr(n) => {
                if !self.outside_annotation("named expression", at) {
                    return;
                }
                if walk.in_comp_iter() {
                    self.fail(
                        at,
                        "assignment expression cannot be used in a comprehension iterable expression"
                            .into(),
                    );
                    return;
                }
                if self.entries[self.current()].comprehension.is_some() {
                    self.extend_namedexpr_scope(&n.target);
                }
            }
            _ => {}
        }
    }

    fn pattern(&mut self, _walk: &Walk<'a>, pattern: &'a Pattern) {
        let name = match pattern {
            Pattern::MatchAs(a) => a.name.as_ref(),
            Pattern::MatchStar(s) => s.name.as_ref(),
            Pattern::MatchMapping(m) => m.rest.as_ref(),
            _ => None,
        };
        if let Some(name) = name {
            self.add_def(name, DEF_LOCAL, pattern.start());
        }
    }

    fn handler(&mut self, _walk: &Walk<'a>, handler: &'a ast::ExceptHandlerExceptHandler) {
        if let Some(name) = &handler.name {
            self.add_def(name, DEF_LOCAL, handler.start());
        }
    }

    fn enter(&mut self, _walk: &Walk<'a>, frame: &Frame<'a>) {
        match frame {
            Frame::Scope(scope) => match scope {
                Scope::Function { args, is_async } => {
                    let id = self.push(Block::Function);
                    self.entries[id].coroutine = *is_async;
                    self.params(args);
                }
                Scope::Lambda { args } => {
                    self.push(Block::Function);
                    self.params(args);
                }
                Scope::Class { name } => {
                    self.push(Block::Class);
                    self.private.push(name.to_string());
                }
                Scope::Comprehension { expr, kind } => {
                    let id = self.push(Block::Function);
                    self.entries[id].comprehension = Some(*kind);
                    self.entries[id].coroutine = generators(expr).iter().any(|g| g.is_async);
                    self.add_def(".0", DEF_PARAM, expr.start());
                }
                Scope::Annotation => {
                    self.push(Block::Annotation);
                }
                Scope::TypeParams { params } => {
                    self.push(Block::Function);
                    for p in *params {
                        let (name, at) = match p {
                            ast::TypeParam::TypeVar(v) => (&v.name, v.start()),
                            ast::TypeParam::ParamSpec(v) => (&v.name, v.start()),
                            ast::TypeParam::TypeVarTuple(v) => (&v.name, v.start()),
                        };
                        self.add_def(name, DEF_LOCAL, at);
                    }
                }
            },
            Frame::CompTarget => {
                let current = self.current();
                self.entries[current].comp_iter_target = true;
            }
            _ => {}
        }
    }

    fn leave(&mut self, _walk: &Walk<'a>, frame: &Frame<'a>) {
        match frame {
            Frame::Scope(scope) => {
                let id = self.current();
                if matches!(scope, Scope::Class { .. }) {
                    self.private.pop();
                }
                self.stack.pop();
                // An asynchronous list, set or dict comprehension makes its scope asynchronous.
                let e = &self.entries[id];
                if e.coroutine
                    && matches!(e.comprehension, Some(k) if k != Comprehension::Generator)
                {
                    let parent = self.current();
                    self.entries[parent].coroutine = true;
                }
            }
            Frame::CompTarget => {
                let current = self.current();
                self.entries[current].comp_iter_target = false;
            }
            _ => {}
        }
    }
}
