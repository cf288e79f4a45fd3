//! One pass over rustpython's tree, in the order CPython's symbol table visits it, telling each
//! check what encloses the node at hand: the scopes, loops, handlers and asserts around it.
//!
//! The walk keeps its own stack of work (no recursion): files can nest expressions as deep as
//! they like (`1+1+...`, `lambda: lambda: ...`).

use rustpython_parser::ast::{self, Expr, Pattern, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

/// Something that encloses the node at hand.
#[derive(Clone, Copy)]
pub(super) enum Frame<'a> {
    /// A block of code with names of its own.
    Scope(Scope<'a>),
    /// Statements CPython compiles inside `blocks` more frame blocks (it allows 20 at once).
    Blocks {
        blocks: usize,
        kind: BlockKind,
        at: TextSize,
    },
    /// An assert's test and message: `python -O` does not compile them.
    Assert,
    /// An annotation evaluated in the enclosing scope (no `from __future__ import annotations`);
    /// the annotation of a local variable is never compiled.
    Annotation { compiled: bool },
    /// The iterable of a comprehension's `for`.
    CompIter,
    /// The target of a comprehension's `for`.
    CompTarget,
    /// The replacement fields of an f-string: one token to us, so checks that read tokens
    /// skip what is inside.
    FString,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum BlockKind {
    /// The body of a `for` or `while`: `break` and `continue` stop here.
    Loop,
    /// The body of an `except*` handler: `break`, `continue` and `return` may not leave it.
    ExceptStar,
    Other,
}

#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    Function {
        args: &'a ast::Arguments,
        is_async: bool,
    },
    Lambda {
        args: &'a ast::Arguments,
    },
    Class {
        name: &'a str,
    },
    Comprehension {
        expr: &'a Expr,
        kind: Comprehension,
    },
    /// An annotation under `from __future__ import annotations`: a block of its own, never run.
    Annotation,
    /// The type parameters of a PEP 695 definition (Python 3.12).
    TypeParams {
        params: &'a [ast::TypeParam],
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Comprehension {
    List,
    Set,
    Dict,
    Generator,
}

/// The `for` clauses of a comprehension (none for any other expression).
pub(super) fn generators(expr: &Expr) -> &[ast::Comprehension] {
    match expr {
        Expr::ListComp(c) => &c.generators,
        Expr::SetComp(c) => &c.generators,
        Expr::DictComp(c) => &c.generators,
        Expr::GeneratorExp(c) => &c.generators,
        _ => &[],
    }
}

impl Comprehension {
    pub(super) fn of(expr: &Expr) -> Option<Comprehension> {
        match expr {
            Expr::ListComp(_) => Some(Comprehension::List),
            Expr::SetComp(_) => Some(Comprehension::Set),
            Expr::DictComp(_) => Some(Comprehension::Dict),
            Expr::GeneratorExp(_) => Some(Comprehension::Generator),
            _ => None,
        }
    }
}

/// Where an expression sits: `Element` where a starred item is part of the syntax (an item of
/// a list, tuple or set display, a call argument, a class base, a bare subscript).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    Element,
    Other,
}

/// Callbacks, each before the node's children; `enter` after a frame is pushed and `leave`
/// before it is popped.
pub(super) trait Visitor<'a> {
    fn stmt(&mut self, _walk: &Walk<'a>, _stmt: &'a Stmt) {}
    fn expr(&mut self, _walk: &Walk<'a>, _expr: &'a Expr, _slot: Slot) {}
    fn pattern(&mut self, _walk: &Walk<'a>, _pattern: &'a Pattern) {}
    fn handler(&mut self, _walk: &Walk<'a>, _handler: &'a ast::ExceptHandlerExceptHandler) {}
    fn enter(&mut self, _walk: &Walk<'a>, _frame: &Frame<'a>) {}
    fn leave(&mut self, _walk: &Walk<'a>, _frame: &Frame<'a>) {}
}

/// Whether `break` or `continue` here would find a loop.
pub(super) enum LoopState {
    InLoop,
    /// An `except*` handler body comes first.
    ExceptStar,
    Outside,
}

/// The frames around the node at hand, innermost last.
pub(super) struct Walk<'a> {
    frames: Vec<Frame<'a>>,
    future_annotations: bool,
}

impl<'a> Walk<'a> {
    pub(super) fn frames(&self) -> &[Frame<'a>] {
        &self.frames
    }

    /// The innermost scope that runs code (type-parameter scopes are looked through).
    pub(super) fn code_scope(&self) -> Option<&Scope<'a>> {
        self.frames.iter().rev().find_map(|f| match f {
            Frame::Scope(Scope::TypeParams { .. }) => None,
            Frame::Scope(s) => Some(s),
            _ => None,
        })
    }

    /// Frames since the innermost scope (those of the code block at hand).
    fn block_frames(&self) -> impl Iterator<Item = &Frame<'a>> {
        self.frames
            .iter()
            .rev()
            .take_while(|f| !matches!(f, Frame::Scope(s) if !matches!(s, Scope::TypeParams { .. })))
    }

    /// Whether CPython compiles the node at hand in every mode (not inside an assert, whose
    /// code `python -O` drops, nor an annotation that is never evaluated).
    pub(super) fn compiled(&self) -> bool {
        !self.frames.iter().any(|f| {
            matches!(
                f,
                Frame::Assert
                    | Frame::Annotation { compiled: false }
                    | Frame::Scope(Scope::Annotation)
            )
        })
    }

    /// Frame blocks open in the code block at hand.
    pub(super) fn blocks(&self) -> usize {
        self.block_frames()
            .map(|f| match f {
                Frame::Blocks { blocks, .. } => *blocks,
                _ => 0,
            })
            .sum()
    }

    pub(super) fn loop_state(&self) -> LoopState {
        for f in self.block_frames() {
            match f {
                Frame::Blocks {
                    kind: BlockKind::Loop,
                    ..
                } => return LoopState::InLoop,
                Frame::Blocks {
                    kind: BlockKind::ExceptStar,
                    ..
                } => return LoopState::ExceptStar,
                _ => {}
            }
        }
        LoopState::Outside
    }

    /// Whether an `except*` handler body encloses the node in the code block at hand.
    pub(super) fn in_except_star(&self) -> bool {
        self.block_frames().any(|f| {
            matches!(
                f,
                Frame::Blocks {
                    kind: BlockKind::ExceptStar,
                    ..
                }
            )
        })
    }

    /// Whether the node is inside an f-string's replacement field.
    pub(super) fn in_fstring(&self) -> bool {
        self.frames.iter().any(|f| matches!(f, Frame::FString))
    }

    /// Whether the node is inside a comprehension's iterable (at any depth of scopes).
    pub(super) fn in_comp_iter(&self) -> bool {
        self.frames.iter().any(|f| matches!(f, Frame::CompIter))
    }
}

enum Task<'a> {
    Stmts(&'a [Stmt]),
    Stmt(&'a Stmt),
    Expr(&'a Expr, Slot),
    Exprs(&'a [Expr], Slot),
    Pattern(&'a Pattern),
    Patterns(&'a [Pattern]),
    Handler(&'a ast::ExceptHandlerExceptHandler),
    Push(Frame<'a>),
    Pop,
}

/// Walk `body` (a module), calling every visitor at each node.
pub(super) fn walk<'a>(
    body: &'a [Stmt],
    future_annotations: bool,
    visitors: &mut [&mut dyn Visitor<'a>],
) {
    let mut walk = Walk {
        frames: Vec::new(),
        future_annotations,
    };
    let mut tasks = vec![Task::Stmts(body)];
    let mut next: Vec<Task<'a>> = Vec::new();
    while let Some(task) = tasks.pop() {
        match task {
            Task::Stmts(list) => {
                if let Some((first, rest)) = list.split_first() {
                    tasks.push(Task::Stmts(rest));
                    tasks.push(Task::Stmt(first));
                }
            }
            Task::Exprs(list, slot) => {
                if let Some((first, rest)) = list.split_first() {
                    tasks.push(Task::Exprs(rest, slot));
                    tasks.push(Task::Expr(first, slot));
                }
            }
            Task::Patterns(list) => {
                if let Some((first, rest)) = list.split_first() {
                    tasks.push(Task::Patterns(rest));
                    tasks.push(Task::Pattern(first));
                }
            }
            Task::Stmt(stmt) => {
                for v in visitors.iter_mut() {
                    v.stmt(&walk, stmt);
                }
                stmt_children(stmt, &walk, &mut next);
            }
            Task::Expr(expr, slot) => {
                for v in visitors.iter_mut() {
                    v.expr(&walk, expr, slot);
                }
                expr_children(expr, &mut next);
            }
            Task::Pattern(pattern) => {
                for v in visitors.iter_mut() {
                    v.pattern(&walk, pattern);
                }
                pattern_children(pattern, &mut next);
            }
            Task::Handler(handler) => {
                for v in visitors.iter_mut() {
                    v.handler(&walk, handler);
                }
                if let Some(t) = &handler.type_ {
                    next.push(Task::Expr(t, Slot::Other));
                }
                next.push(Task::Stmts(&handler.body));
            }
            Task::Push(frame) => {
                walk.frames.push(frame);
                for v in visitors.iter_mut() {
                    v.enter(&walk, &frame);
                }
            }
            Task::Pop => {
                if let Some(frame) = walk.frames.last().copied() {
                    for v in visitors.iter_mut() {
                        v.leave(&walk, &frame);
                    }
                    walk.frames.pop();
                }
            }
        }
        // `next` holds the children in order; the stack takes them last first.
        tasks.extend(next.drain(..).rev());
    }
}

fn expr<'a>(next: &mut Vec<Task<'a>>, e: &'a Expr) {
    next.push(Task::Expr(e, Slot::Other));
}

fn opt<'a>(next: &mut Vec<Task<'a>>, e: &'a Option<Box<Expr>>) {
    if let Some(e) = e {
        next.push(Task::Expr(e, Slot::Other));
    }
}

fn scoped<'a>(next: &mut Vec<Task<'a>>, frame: Frame<'a>, inside: impl FnOnce(&mut Vec<Task<'a>>)) {
    next.push(Task::Push(frame));
    inside(next);
    next.push(Task::Pop);
}

/// The parts of a `def` or `async def`.
struct Def<'a> {
    args: &'a ast::Arguments,
    returns: &'a Option<Box<Expr>>,
    decorators: &'a [Expr],
    type_params: &'a [ast::TypeParam],
    body: &'a [Stmt],
    is_async: bool,
}

/// Defaults, annotations and decorators of a `def`, then its body in a scope of its own.
fn function<'a>(next: &mut Vec<Task<'a>>, walk: &Walk<'a>, def: Def<'a>) {
    let Def {
        args,
        returns,
        decorators,
        type_params,
        body,
        is_async,
    } = def;
    defaults(next, args);
    let annotations = |next: &mut Vec<Task<'a>>| {
        let params = args
            .posonlyargs
            .iter()
            .chain(&args.args)
            .map(|a| &a.def)
            .chain(args.vararg.as_deref())
            .chain(args.kwarg.as_deref())
            .chain(args.kwonlyargs.iter().map(|a| &a.def));
        // `*args: *Ts` (PEP 646) is the one annotation that may be starred.
        let vararg = args.vararg.as_deref().map(|v| v as *const ast::Arg);
        let annotation = move |next: &mut Vec<Task<'a>>, p: &'a ast::Arg| {
            if let Some(a) = &p.annotation {
                let starred_ok = vararg == Some(p as *const ast::Arg);
                let slot = if starred_ok {
                    Slot::Element
                } else {
                    Slot::Other
                };
                next.push(Task::Expr(a, slot));
            }
        };
        if walk.future_annotations {
            scoped(next, Frame::Scope(Scope::Annotation), |next| {
                for p in params {
                    annotation(next, p);
                }
            });
            if returns.is_some() {
                scoped(next, Frame::Scope(Scope::Annotation), |next| {
                    opt(next, returns)
                });
            }
        } else {
            scoped(next, Frame::Annotation { compiled: true }, |next| {
                for p in params {
                    annotation(next, p);
                }
                opt(next, returns);
            });
        }
    };
    let scope = Frame::Scope(Scope::Function { args, is_async });
    if type_params.is_empty() {
        annotations(next);
        next.push(Task::Exprs(decorators, Slot::Other));
        scoped(next, scope, |next| next.push(Task::Stmts(body)));
    } else {
        next.push(Task::Exprs(decorators, Slot::Other));
        let params = Frame::Scope(Scope::TypeParams {
            params: type_params,
        });
        scoped(next, params, |next| {
            bounds(next, type_params);
            annotations(next);
            scoped(next, scope, |next| next.push(Task::Stmts(body)));
        });
    }
}

fn defaults<'a>(next: &mut Vec<Task<'a>>, args: &'a ast::Arguments) {
    for a in args.posonlyargs.iter().chain(&args.args) {
        opt(next, &a.default);
    }
    for a in &args.kwonlyargs {
        opt(next, &a.default);
    }
}

fn bounds<'a>(next: &mut Vec<Task<'a>>, params: &'a [ast::TypeParam]) {
    for p in params {
        if let ast::TypeParam::TypeVar(v) = p {
            opt(next, &v.bound);
        }
    }
}

fn stmt_children<'a>(stmt: &'a Stmt, walk: &Walk<'a>, next: &mut Vec<Task<'a>>) {
    let at = stmt.start();
    match stmt {
        Stmt::FunctionDef(d) => function(
            next,
            walk,
            Def {
                args: &d.args,
                returns: &d.returns,
                decorators: &d.decorator_list,
                type_params: &d.type_params,
                body: &d.body,
                is_async: false,
            },
        ),
        Stmt::AsyncFunctionDef(d) => function(
            next,
            walk,
            Def {
                args: &d.args,
                returns: &d.returns,
                decorators: &d.decorator_list,
                type_params: &d.type_params,
                body: &d.body,
                is_async: true,
            },
        ),
        Stmt::ClassDef(c) => {
            let class = |next: &mut Vec<Task<'a>>| {
                next.push(Task::Exprs(&c.bases, Slot::Element));
                for k in &c.keywords {
                    expr(next, &k.value);
                }
            };
            let scope = Frame::Scope(Scope::Class { name: &c.name });
            if c.type_params.is_empty() {
                class(next);
                next.push(Task::Exprs(&c.decorator_list, Slot::Other));
                scoped(next, scope, |next| next.push(Task::Stmts(&c.body)));
            } else {
                next.push(Task::Exprs(&c.decorator_list, Slot::Other));
                let params = Frame::Scope(Scope::TypeParams {
                    params: &c.type_params,
                });
                scoped(next, params, |next| {
                    bounds(next, &c.type_params);
                    class(next);
                    scoped(next, scope, |next| next.push(Task::Stmts(&c.body)));
                });
            }
        }
        Stmt::Return(r) => opt(next, &r.value),
        Stmt::Delete(d) => next.push(Task::Exprs(&d.targets, Slot::Other)),
        Stmt::Assign(a) => {
            next.push(Task::Exprs(&a.targets, Slot::Other));
            expr(next, &a.value);
        }
        Stmt::TypeAlias(t) => {
            expr(next, &t.name);
            let params = Frame::Scope(Scope::TypeParams {
                params: &t.type_params,
            });
            scoped(next, params, |next| {
                bounds(next, &t.type_params);
                expr(next, &t.value);
            });
        }
        Stmt::AugAssign(a) => {
            expr(next, &a.target);
            expr(next, &a.value);
        }
        Stmt::AnnAssign(a) => {
            // A name target is bound by the statement itself (see the visitors).
            if !matches!(*a.target, Expr::Name(_)) {
                expr(next, &a.target);
            }
            let frame = if walk.future_annotations {
                Frame::Scope(Scope::Annotation)
            } else {
                let compiled = matches!(walk.code_scope(), None | Some(Scope::Class { .. }));
                Frame::Annotation { compiled }
            };
            scoped(next, frame, |next| expr(next, &a.annotation));
            opt(next, &a.value);
        }
        Stmt::For(ast::StmtFor {
            target,
            iter,
            body,
            orelse,
            ..
        })
        | Stmt::AsyncFor(ast::StmtAsyncFor {
            target,
            iter,
            body,
            orelse,
            ..
        }) => {
            expr(next, target);
            expr(next, iter);
            looped(next, at, body);
            next.push(Task::Stmts(orelse));
        }
        Stmt::While(w) => {
            expr(next, &w.test);
            looped(next, at, &w.body);
            next.push(Task::Stmts(&w.orelse));
        }
        Stmt::If(i) => {
            expr(next, &i.test);
            next.push(Task::Stmts(&i.body));
            next.push(Task::Stmts(&i.orelse));
        }
        Stmt::With(ast::StmtWith { items, body, .. })
        | Stmt::AsyncWith(ast::StmtAsyncWith { items, body, .. }) => {
            for item in items {
                expr(next, &item.context_expr);
                opt(next, &item.optional_vars);
            }
            let blocks = Frame::Blocks {
                blocks: items.len(),
                kind: BlockKind::Other,
                at,
            };
            scoped(next, blocks, |next| next.push(Task::Stmts(body)));
        }
        Stmt::Match(m) => {
            expr(next, &m.subject);
            for case in &m.cases {
                next.push(Task::Pattern(&case.pattern));
                opt(next, &case.guard);
                next.push(Task::Stmts(&case.body));
            }
        }
        Stmt::Raise(r) => {
            opt(next, &r.exc);
            opt(next, &r.cause);
        }
        Stmt::Try(ast::StmtTry {
            body,
            handlers,
            orelse,
            finalbody,
            ..
        }) => attempt(next, at, body, handlers, orelse, finalbody, false),
        Stmt::TryStar(ast::StmtTryStar {
            body,
            handlers,
            orelse,
            finalbody,
            ..
        }) => attempt(next, at, body, handlers, orelse, finalbody, true),
        Stmt::Assert(a) => scoped(next, Frame::Assert, |next| {
            expr(next, &a.test);
            opt(next, &a.msg);
        }),
        Stmt::Expr(e) => expr(next, &e.value),
        Stmt::Import(_)
        | Stmt::ImportFrom(_)
        | Stmt::Global(_)
        | Stmt::Nonlocal(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_) => {}
    }
}

fn looped<'a>(next: &mut Vec<Task<'a>>, at: TextSize, body: &'a [Stmt]) {
    let blocks = Frame::Blocks {
        blocks: 1,
        kind: BlockKind::Loop,
        at,
    };
    scoped(next, blocks, |next| next.push(Task::Stmts(body)));
}

/// A `try` in the symbol table's order (body, else, handlers, finally), each part inside the
/// frame blocks CPython's compiler opens for it.
fn attempt<'a>(
    next: &mut Vec<Task<'a>>,
    at: TextSize,
    body: &'a [Stmt],
    handlers: &'a [ast::ExceptHandler],
    orelse: &'a [Stmt],
    finalbody: &'a [Stmt],
    star: bool,
) {
    let finally = usize::from(!finalbody.is_empty());
    let blocks = |blocks: usize, kind: BlockKind| Frame::Blocks { blocks, kind, at };
    let protected = finally + usize::from(!handlers.is_empty());
    scoped(next, blocks(protected, BlockKind::Other), |next| {
        next.push(Task::Stmts(body))
    });
    scoped(next, blocks(finally, BlockKind::Other), |next| {
        next.push(Task::Stmts(orelse))
    });
    let kind = if star {
        BlockKind::ExceptStar
    } else {
        BlockKind::Other
    };
    for ast::ExceptHandler::ExceptHandler(h) in handlers {
        let frame = Frame::Blocks {
            blocks: finally + 2,
            kind,
            at: h.start(),
        };
        scoped(next, frame, |next| next.push(Task::Handler(h)));
    }
    if finally > 0 {
        scoped(next, blocks(1, BlockKind::Other), |next| {
            next.push(Task::Stmts(finalbody))
        });
    }
}

fn expr_children<'a>(e: &'a Expr, next: &mut Vec<Task<'a>>) {
    match e {
        Expr::BoolOp(b) => next.push(Task::Exprs(&b.values, Slot::Other)),
        Expr::NamedExpr(n) => {
            expr(next, &n.value);
            expr(next, &n.target);
        }
        Expr::BinOp(b) => {
            expr(next, &b.left);
            expr(next, &b.right);
        }
        Expr::UnaryOp(u) => expr(next, &u.operand),
        Expr::Lambda(l) => {
            defaults(next, &l.args);
            let scope = Frame::Scope(Scope::Lambda { args: &l.args });
            scoped(next, scope, |next| expr(next, &l.body));
        }
        Expr::IfExp(i) => {
            expr(next, &i.test);
            expr(next, &i.body);
            expr(next, &i.orelse);
        }
        Expr::Dict(d) => {
            for k in d.keys.iter().flatten() {
                expr(next, k);
            }
            next.push(Task::Exprs(&d.values, Slot::Other));
        }
        Expr::Set(s) => next.push(Task::Exprs(&s.elts, Slot::Element)),
        Expr::ListComp(c) => comprehension(next, e, &c.generators, &c.elt, None),
        Expr::SetComp(c) => comprehension(next, e, &c.generators, &c.elt, None),
        Expr::GeneratorExp(c) => comprehension(next, e, &c.generators, &c.elt, None),
        Expr::DictComp(c) => comprehension(next, e, &c.generators, &c.key, Some(&c.value)),
        Expr::Await(a) => expr(next, &a.value),
        Expr::Yield(y) => opt(next, &y.value),
        Expr::YieldFrom(y) => expr(next, &y.value),
        Expr::Compare(c) => {
            expr(next, &c.left);
            next.push(Task::Exprs(&c.comparators, Slot::Other));
        }
        Expr::Call(c) => {
            expr(next, &c.func);
            next.push(Task::Exprs(&c.args, Slot::Element));
            for k in &c.keywords {
                expr(next, &k.value);
            }
        }
        Expr::FormattedValue(f) => {
            expr(next, &f.value);
            opt(next, &f.format_spec);
        }
        Expr::JoinedStr(j) => scoped(next, Frame::FString, |next| {
            next.push(Task::Exprs(&j.values, Slot::Other))
        }),
        Expr::Constant(_) | Expr::Name(_) => {}
        Expr::Attribute(a) => expr(next, &a.value),
        Expr::Subscript(s) => {
            expr(next, &s.value);
            // rustpython keeps `x[*a]` as a bare starred slice; CPython makes it a tuple.
            next.push(Task::Expr(&s.slice, Slot::Element));
        }
        Expr::Starred(s) => expr(next, &s.value),
        Expr::List(l) => next.push(Task::Exprs(&l.elts, Slot::Element)),
        Expr::Tuple(t) => next.push(Task::Exprs(&t.elts, Slot::Element)),
        Expr::Slice(s) => {
            opt(next, &s.lower);
            opt(next, &s.upper);
            opt(next, &s.step);
        }
    }
}

/// The first iterable in the enclosing scope, the rest in the comprehension's own scope; each
/// asynchronous `for` opens a frame block.
fn comprehension<'a>(
    next: &mut Vec<Task<'a>>,
    e: &'a Expr,
    generators: &'a [ast::Comprehension],
    elt: &'a Expr,
    value: Option<&'a Expr>,
) {
    let Some(kind) = Comprehension::of(e) else {
        return;
    };
    let at = e.start();
    let Some(first) = generators.first() else {
        return;
    };
    scoped(next, Frame::CompIter, |next| expr(next, &first.iter));
    scoped(
        next,
        Frame::Scope(Scope::Comprehension { expr: e, kind }),
        |next| {
            let mut open = 0;
            for (i, g) in generators.iter().enumerate() {
                scoped(next, Frame::CompTarget, |next| expr(next, &g.target));
                if i > 0 {
                    scoped(next, Frame::CompIter, |next| expr(next, &g.iter));
                }
                if g.is_async {
                    next.push(Task::Push(Frame::Blocks {
                        blocks: 1,
                        kind: BlockKind::Other,
                        at,
                    }));
                    open += 1;
                }
                next.push(Task::Exprs(&g.ifs, Slot::Other));
            }
            if let Some(v) = value {
                expr(next, v);
            }
            next.push(Task::Expr(elt, Slot::Other));
            for _ in 0..open {
                next.push(Task::Pop);
            }
        },
    );
}

fn pattern_children<'a>(p: &'a Pattern, next: &mut Vec<Task<'a>>) {
    match p {
        Pattern::MatchValue(v) => expr(next, &v.value),
        Pattern::MatchSingleton(_) | Pattern::MatchStar(_) => {}
        Pattern::MatchSequence(s) => next.push(Task::Patterns(&s.patterns)),
        Pattern::MatchMapping(m) => {
            next.push(Task::Exprs(&m.keys, Slot::Other));
            next.push(Task::Patterns(&m.patterns));
        }
        Pattern::MatchClass(c) => {
            expr(next, &c.cls);
            next.push(Task::Patterns(&c.patterns));
            next.push(Task::Patterns(&c.kwd_patterns));
        }
        Pattern::MatchAs(a) => {
            if let Some(p) = &a.pattern {
                next.push(Task::Pattern(p));
            }
        }
        Pattern::MatchOr(o) => next.push(Task::Patterns(&o.patterns)),
    }
}
