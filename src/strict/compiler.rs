//! SyntaxErrors CPython's compiler (Python/compile.c, 3.11) raises once the symbol table is
//! built: statements and expressions in the wrong kind of block (`return` or `yield` outside a
//! function, `await` outside `async def`, `break` outside a loop, an asynchronous comprehension
//! in a plain function), starred expressions out of place, assignments to `__debug__`, a late
//! `from __future__ import`, a bare `except:` before others, more than 20 nested blocks, and
//! (in `patterns`) the rules of `match`.
//!
//! Code inside an `assert` is checked only for what the symbol table sees: `python -O` never
//! compiles it, so CPython accepts the file in that mode.

use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use rustpython_parser::text_size::{TextRange, TextSize};

use super::patterns;
use super::symtable::{import_binding, Symtable};
use super::walk::{generators, Comprehension, Frame, LoopState, Scope, Slot, Visitor, Walk};
use super::{First, Rejection};

/// CPython's `CO_MAXBLOCKS`.
const MAX_BLOCKS: usize = 20;

const DEBUG: &str = "__debug__";

pub(super) struct Compiler<'t> {
    text: &'t str,
    /// The line of the last `from __future__ import` at the top of the file (0: none).
    future_line: usize,
    /// Symbol-table ids of the scopes around the node at hand (0: the module).
    ids: Vec<usize>,
    next_id: usize,
    /// The target of the augmented assignment at hand (`x.__debug__ += 1` is allowed).
    aug_target: Option<*const Expr>,
    error: First,
    /// Targets the compiler reaches only after a later part (`x = value` compiles `value`
    /// first): errors inside them count from there.
    late: Vec<(TextRange, TextSize)>,
    /// `return value` statements: an error if their function is an async generator.
    returns: Vec<(usize, TextSize)>,
    /// Comprehensions outside async functions: an error if they turn out asynchronous.
    comprehensions: Vec<(usize, TextSize)>,
}

impl<'t> Compiler<'t> {
    pub(super) fn new(text: &'t str, future_line: usize) -> Compiler<'t> {
        Compiler {
            text,
            future_line,
            ids: vec![0],
            next_id: 1,
            aug_target: None,
            error: First::default(),
            late: Vec::new(),
            returns: Vec::new(),
            comprehensions: Vec::new(),
        }
    }

    fn fail(&mut self, at: TextSize, message: impl Into<String>) {
        let key = self
            .late
            .iter()
            .filter(|(range, _)| range.contains(at))
            .map(|&(_, key)| key)
            .max()
            .unwrap_or(at);
        self.error.offer(key, at, message);
    }

    /// `part` is compiled once the compiler has reached `key`.
    fn compiled_after(&mut self, part: TextRange, key: TextSize) {
        self.late.retain(|(range, _)| range.end() > part.start());
        self.late.push((part, key));
    }

    fn current(&self) -> usize {
        self.ids.last().copied().unwrap_or(0)
    }

    /// The first error in source order, once the symbol table is complete.
    pub(super) fn finish(mut self, symtable: &Symtable) -> Option<Rejection> {
        self.late.clear();
        let entries = &symtable.entries;
        for (id, at) in std::mem::take(&mut self.returns) {
            if entries.get(id).is_some_and(|e| e.coroutine && e.generator) {
                self.fail(at, "'return' with value in async generator");
            }
        }
        for (id, at) in std::mem::take(&mut self.comprehensions) {
            if entries.get(id).is_some_and(|e| e.coroutine) {
                self.fail(
                    at,
                    "asynchronous comprehension outside of an asynchronous function",
                );
            }
        }
        self.error.into_rejection()
    }

    fn debug_params(&mut self, args: &ast::Arguments, at: TextSize) {
        let mut params = args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .chain(&args.kwonlyargs)
            .map(|a| &a.def)
            .chain(args.vararg.as_deref())
            .chain(args.kwarg.as_deref());
        if params.any(|p| p.arg.as_str() == DEBUG) {
            self.fail(at, "cannot assign to __debug__");
        }
    }

    fn debug_keywords(&mut self, keywords: &[ast::Keyword], at: TextSize) {
        if keywords
            .iter()
            .any(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == DEBUG))
        {
            self.fail(at, "cannot assign to __debug__");
        }
    }

    fn line_of(&self, at: TextSize) -> usize {
        let end = usize::from(at).min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
}

fn in_async_function(scope: Option<&Scope>) -> bool {
    matches!(scope, Some(Scope::Function { is_async: true, .. }))
}

impl<'a, 't> Visitor<'a> for Compiler<'t> {
    fn stmt(&mut self, walk: &Walk<'a>, stmt: &'a Stmt) {
        let at = stmt.start();
        let scope = walk.code_scope();
        let in_function = matches!(scope, Some(Scope::Function { .. }));
        match stmt {
            Stmt::Return(r) => {
                if !in_function {
                    self.fail(at, "'return' outside function");
                    return;
                }
                if r.value.is_some() {
                    self.returns.push((self.current(), at));
                }
                if walk.in_except_star() {
                    // Raised when unwinding, after the value is compiled.
                    let message =
                        "'break', 'continue' and 'return' cannot appear in an except* block";
                    self.error.offer(stmt.end(), at, message);
                }
            }
            Stmt::Break(_) | Stmt::Continue(_) => match walk.loop_state() {
                LoopState::InLoop => {}
                LoopState::ExceptStar => self.fail(
                    at,
                    "'break', 'continue' and 'return' cannot appear in an except* block",
                ),
                LoopState::Outside => self.fail(
                    at,
                    if matches!(stmt, Stmt::Break(_)) {
                        "'break' outside loop"
                    } else {
                        "'continue' not properly in loop"
                    },
                ),
            },
            Stmt::AsyncWith(_) if !in_async_function(scope) => {
                self.fail(at, "'async with' outside async function")
            }
            Stmt::AsyncFor(_) if !in_async_function(scope) => {
                self.fail(at, "'async for' outside async function")
            }
            Stmt::Try(t) => {
                let last = t.handlers.len().saturating_sub(1);
                for (i, ast::ExceptHandler::ExceptHandler(h)) in t.handlers.iter().enumerate() {
                    if h.type_.is_none() && i < last {
                        self.fail(h.start(), "default 'except:' must be last");
                    }
                }
            }
            Stmt::FunctionDef(ast::StmtFunctionDef { name, args, .. })
            | Stmt::AsyncFunctionDef(ast::StmtAsyncFunctionDef { name, args, .. }) => {
                self.debug_params(args, at);
                if name.as_str() == DEBUG {
                    // The name is bound once the body is compiled.
                    self.error
                        .offer(stmt.end(), at, "cannot assign to __debug__");
                }
            }
            Stmt::ClassDef(c) => {
                self.debug_keywords(&c.keywords, at);
                if c.name.as_str() == DEBUG {
                    self.error
                        .offer(stmt.end(), at, "cannot assign to __debug__");
                }
            }
            Stmt::Import(i) if i.names.iter().any(|a| import_binding(a) == DEBUG) => {
                self.fail(at, "cannot assign to __debug__");
            }
            Stmt::ImportFrom(i) => {
                if i.names.iter().any(|a| import_binding(a) == DEBUG) {
                    self.fail(at, "cannot assign to __debug__");
                }
                let future = i
                    .module
                    .as_ref()
                    .is_some_and(|m| m.as_str() == "__future__");
                if future && self.line_of(at) > self.future_line {
                    self.fail(
                        at,
                        "from __future__ imports must occur at the beginning of the file",
                    );
                }
            }
            Stmt::Assign(a) => {
                for t in &a.targets {
                    self.compiled_after(t.range(), a.value.end());
                }
            }
            Stmt::For(ast::StmtFor { target, iter, .. })
            | Stmt::AsyncFor(ast::StmtAsyncFor { target, iter, .. }) => {
                self.compiled_after(target.range(), iter.end());
            }
            Stmt::AugAssign(a) => {
                self.aug_target = Some(&*a.target as *const Expr);
                self.compiled_after(a.target.range(), a.value.end());
            }
            Stmt::AnnAssign(a) => {
                if let Some(value) = &a.value {
                    self.compiled_after(a.target.range(), value.end());
                    self.compiled_after(a.annotation.range(), stmt.end());
                }
                if matches!(&*a.target, Expr::Name(n) if n.id.as_str() == DEBUG) {
                    self.fail(at, "cannot assign to __debug__");
                }
            }
            Stmt::Match(m) => {
                if let Some(e) = patterns::check(m) {
                    self.fail(e.at, e.message);
                }
            }
            _ => {}
        }
    }

    fn expr(&mut self, walk: &Walk<'a>, expr: &'a Expr, slot: Slot) {
        if !walk.compiled() {
            return;
        }
        let at = expr.start();
        let scope = walk.code_scope();
        match expr {
            Expr::Yield(_) | Expr::YieldFrom(_) => match scope {
                None | Some(Scope::Class { .. }) => self.fail(at, "'yield' outside function"),
                Some(Scope::Function { is_async: true, .. })
                    if matches!(expr, Expr::YieldFrom(_)) =>
                {
                    self.fail(at, "'yield from' inside async function")
                }
                _ => {}
            },
            Expr::Await(_) => match scope {
                None | Some(Scope::Class { .. }) => self.fail(at, "'await' outside function"),
                Some(Scope::Function {
                    is_async: false, ..
                })
                | Some(Scope::Lambda { .. }) => self.fail(at, "'await' outside async function"),
                _ => {}
            },
            Expr::Starred(s) if slot == Slot::Other => match s.ctx {
                ast::ExprContext::Load => self.fail(at, "can't use starred expression here"),
                ast::ExprContext::Store => {
                    self.fail(at, "starred assignment target must be in a list or tuple")
                }
                ast::ExprContext::Del => {}
            },
            Expr::List(ast::ExprList { elts, ctx, .. })
            | Expr::Tuple(ast::ExprTuple { elts, ctx, .. })
                if *ctx == ast::ExprContext::Store =>
            {
                let mut stars = elts
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| matches!(e, Expr::Starred(_)));
                if let Some((first, _)) = stars.next() {
                    if first >= 1 << 8 {
                        self.fail(at, "too many expressions in star-unpacking assignment");
                    } else if stars.next().is_some() {
                        self.fail(at, "multiple starred expressions in assignment");
                    }
                }
            }
            Expr::Name(n) if n.id.as_str() == DEBUG => match n.ctx {
                ast::ExprContext::Store => self.fail(at, "cannot assign to __debug__"),
                ast::ExprContext::Del => self.fail(at, "cannot delete __debug__"),
                ast::ExprContext::Load => {}
            },
            Expr::Attribute(a)
                if a.attr.as_str() == DEBUG
                    && a.ctx == ast::ExprContext::Store
                    && self.aug_target != Some(expr as *const Expr) =>
            {
                self.fail(at, "cannot assign to __debug__")
            }
            Expr::Call(c) => self.debug_keywords(&c.keywords, at),
            Expr::NamedExpr(n) => self.compiled_after(n.target.range(), n.value.end()),
            Expr::Lambda(l) => self.debug_params(&l.args, at),
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::GeneratorExp(_) => {
                // The first iterable is compiled after the comprehension's own code.
                let gens = generators(expr);
                if let Some(first) = gens.first() {
                    self.compiled_after(first.iter.range(), expr.end());
                }
                for g in gens.iter().skip(1) {
                    self.compiled_after(g.target.range(), g.iter.end());
                }
            }
            _ => {}
        }
    }

    fn handler(&mut self, _walk: &Walk<'a>, handler: &'a ast::ExceptHandlerExceptHandler) {
        if handler.name.as_ref().is_some_and(|n| n.as_str() == DEBUG) {
            self.fail(handler.start(), "cannot assign to __debug__");
        }
    }

    fn enter(&mut self, walk: &Walk<'a>, frame: &Frame<'a>) {
        match frame {
            Frame::Scope(scope) => {
                let id = self.next_id;
                self.next_id += 1;
                self.ids.push(id);
                if let Scope::Comprehension { expr, kind } = scope {
                    // Judged against the scope the comprehension sits in.
                    let frames = walk.frames();
                    let outer = frames[..frames.len() - 1]
                        .iter()
                        .rev()
                        .find_map(|f| match f {
                            Frame::Scope(Scope::TypeParams { .. }) => None,
                            Frame::Scope(s) => Some(s),
                            _ => None,
                        });
                    let allowed = in_async_function(outer)
                        || matches!(outer, Some(Scope::Comprehension { .. }));
                    if *kind != Comprehension::Generator && !allowed && walk.compiled() {
                        self.comprehensions.push((id, expr.start()));
                    }
                }
            }
            Frame::Blocks { blocks, at, .. }
                if *blocks > 0 && walk.blocks() > MAX_BLOCKS && walk.compiled() =>
            {
                self.fail(*at, "too many statically nested blocks");
            }
            _ => {}
        }
    }

    fn leave(&mut self, _walk: &Walk<'a>, frame: &Frame<'a>) {
        if let Frame::Scope(_) = frame {
            self.ids.pop();
        }
    }
}
