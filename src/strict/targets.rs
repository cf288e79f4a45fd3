//! Assignment, deletion, loop and `with` targets: CPython's grammar refuses to bind to a call,
//! a literal or an operator expression (`f() = 1`, `del a + b`, `for x.y() in z`), and
//! rustpython's does not. The messages follow the second, error-reporting pass of CPython's
//! parser (Grammar/python.gram, 3.11), including its `... here. Maybe you meant '==' ...`.

use rustpython_parser::ast::{self, Constant, Expr, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

use super::tokens::{Kind, Tokens};
use super::walk::{generators, Slot, Visitor, Walk};
use super::First;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Targets {
    Star,
    Del,
    For,
}

pub(super) struct TargetRules<'t> {
    text: &'t str,
    tokens: &'t Tokens,
    pub(super) error: First,
}

impl<'t> TargetRules<'t> {
    pub(super) fn new(text: &'t str, tokens: &'t Tokens) -> TargetRules<'t> {
        TargetRules {
            text,
            tokens,
            error: First::default(),
        }
    }

    /// An error CPython's parser raises once it has read up to `key`.
    fn fail(&mut self, key: TextSize, at: TextSize, message: String) {
        self.error.offer(key, at, message);
    }

    /// A tuple or list that carries its own brackets (`(a, b)`, `[a]`, not `a, b`).
    fn bracketed(&self, e: &Expr) -> bool {
        self.tokens.spans(e.range())
    }

    fn grouped(&self, e: &Expr) -> bool {
        self.tokens.grouped(e.range())
    }

    /// Whether `e` is all one `bitwise_or` in CPython's grammar (an operand of `|`).
    fn whole_bitwise_or(&self, e: &Expr) -> bool {
        if self.grouped(e) {
            return true;
        }
        match e {
            Expr::UnaryOp(u) => u.op != ast::UnaryOp::Not,
            Expr::Tuple(_) => self.bracketed(e),
            Expr::BoolOp(_)
            | Expr::Compare(_)
            | Expr::IfExp(_)
            | Expr::Lambda(_)
            | Expr::Starred(_)
            | Expr::Yield(_)
            | Expr::YieldFrom(_)
            | Expr::NamedExpr(_) => false,
            _ => true,
        }
    }

    /// The `bitwise_or` `e` starts with, if any, and whether more of `e` follows it.
    fn leading_bitwise_or<'e>(&self, e: &'e Expr) -> (Option<&'e Expr>, bool) {
        let mut e = e;
        let mut extends = false;
        loop {
            if self.grouped(e) {
                return (Some(e), extends);
            }
            let inner = match e {
                Expr::Tuple(t) if !self.bracketed(e) => t.elts.first(),
                Expr::BoolOp(b) => b.values.first(),
                Expr::Compare(c) => Some(&*c.left),
                Expr::IfExp(i) => Some(&*i.body),
                Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => return (None, extends),
                Expr::Lambda(_)
                | Expr::Starred(_)
                | Expr::Yield(_)
                | Expr::YieldFrom(_)
                | Expr::NamedExpr(_) => return (None, extends),
                _ => return (Some(e), extends),
            };
            match inner {
                Some(inner) => {
                    e = inner;
                    extends = true;
                }
                None => return (None, extends),
            }
        }
    }

    /// The `!(list|tuple|genexp|'True'|'None'|'False')` lookahead of `invalid_named_expression`.
    fn starts_excluded(&self, e: &Expr) -> bool {
        let mut e = e;
        loop {
            if self.grouped(e) {
                return false;
            }
            e = match e {
                Expr::Call(c) => &c.func,
                Expr::Attribute(a) => &a.value,
                Expr::Subscript(s) => &s.value,
                Expr::BinOp(b) => &b.left,
                Expr::List(_) => return true,
                Expr::Tuple(_) | Expr::GeneratorExp(_) => return self.bracketed(e),
                Expr::Constant(c) => {
                    return matches!(c.value, Constant::None | Constant::Bool(_))
                        && self.keyword_at(e.start())
                }
                _ => return false,
            };
        }
    }

    /// `True`, `False` or `None` spelled at `at` (not a constant folded from elsewhere).
    fn keyword_at(&self, at: TextSize) -> bool {
        let rest = self.text.get(usize::from(at)..).unwrap_or("");
        ["True", "False", "None"].iter().any(|k| {
            rest.strip_prefix(k).is_some_and(|after| {
                !after
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
    }

    /// The item `invalid_named_expression` tries before the first `=`: `t1` itself, or the
    /// last item of an unparenthesized tuple (when no comma follows it).
    fn named_expression_item<'e>(&self, t1: &'e Expr) -> Option<&'e Expr> {
        match t1 {
            Expr::Tuple(t) if !self.bracketed(t1) => {
                let last = t.elts.last()?;
                if self.tokens.after_closes(last.end()) == Some(Kind::Comma) {
                    return None;
                }
                Some(last)
            }
            _ => Some(t1),
        }
    }

    /// `invalid_named_expression` on that item: CPython's parser reads the `bitwise_or` after
    /// the `=` and, if nothing but the end of the statement or a lesser operator follows,
    /// blames the item, whether or not it is the bad target. Also returns how far it read.
    fn maybe_meant(
        &self,
        item: &Expr,
        right: &Expr,
        last: bool,
    ) -> (Option<String>, Option<TextSize>) {
        let name = matches!(item, Expr::Name(_)) && !self.grouped(item);
        let candidate = name || (self.whole_bitwise_or(item) && !self.starts_excluded(item));
        if !candidate {
            return (None, None);
        }
        let (prefix, extends) = self.leading_bitwise_or(right);
        let Some(prefix) = prefix else {
            return (None, None);
        };
        let read = Some(prefix.end());
        if !(extends || last) {
            return (None, read);
        }
        let message = if name {
            "invalid syntax. Maybe you meant '==' or ':=' instead of '='?".to_string()
        } else {
            format!(
                "cannot assign to {} here. Maybe you meant '==' instead of '='?",
                expr_name(item)
            )
        };
        (Some(message), read)
    }

    fn assign(&mut self, a: &ast::StmtAssign) {
        let Some(bad) = a
            .targets
            .iter()
            .position(|t| invalid(t, Targets::Star).is_some())
        else {
            return;
        };
        let t1 = &a.targets[0];
        let right = a.targets.get(1).unwrap_or(&a.value);
        let (meant, read) = match self.named_expression_item(t1) {
            Some(item) => {
                let (message, read) = self.maybe_meant(item, right, a.targets.len() == 1);
                (message.map(|m| (item.start(), m)), read)
            }
            None => (None, None),
        };
        if let (Some((at, message)), Some(read)) = (meant, read) {
            self.fail(read, at, message);
            return;
        }
        let target = &a.targets[bad];
        let key = read.map_or(target.end(), |r| r.max(target.end()));
        if matches!(target, Expr::Yield(_) | Expr::YieldFrom(_)) && !self.grouped(target) {
            let message = "assignment to yield expression not possible".to_string();
            self.fail(key, target.start(), message);
            return;
        }
        if let Some(e) = invalid(target, Targets::Star) {
            self.fail(key, e.start(), format!("cannot assign to {}", expr_name(e)));
        }
    }

    /// Targets of `del`, `for` or `with`, read by the parser up to `key` before it objects.
    fn each(&mut self, targets: &[Expr], kind: Targets, key: TextSize) {
        if let Some(e) = targets.iter().find_map(|t| invalid(t, kind)) {
            let verb = if kind == Targets::Del {
                "delete"
            } else {
                "assign to"
            };
            self.fail(key, e.start(), format!("cannot {verb} {}", expr_name(e)));
        } else if kind == Targets::For {
            // `for a < b in c`: CPython's parser finds no target to blame.
            if let Some(t) = targets.iter().find(|t| structurally_invalid(t)) {
                self.fail(t.start(), t.start(), "invalid syntax".into());
            }
        }
    }

    /// A comprehension's `for` with a bad target: when an `if` follows, CPython's parser
    /// reads `target in iter if cond` as a conditional expression missing its `else`.
    fn generator(&mut self, g: &ast::Comprehension) {
        let bad = invalid(&g.target, Targets::For).is_some();
        if let (true, Some(last_if)) = (bad, g.ifs.last()) {
            let item = match &g.target {
                Expr::Tuple(t) if !self.bracketed(&g.target) => t.elts.last(),
                t => Some(t),
            };
            if let Some(item) = item.filter(|i| !matches!(i, Expr::Starred(_))) {
                let at = self.outer_start(item);
                let message = "expected 'else' after 'if' expression".to_string();
                self.fail(last_if.end(), at, message);
                return;
            }
        }
        let key = self.read_for(&g.target, &g.iter);
        self.each(std::slice::from_ref(&g.target), Targets::For, key);
    }

    /// How far `invalid_for_target` reads `target in iter`: into `iter` only if it starts
    /// with an operand of `in`.
    fn read_for(&self, target: &Expr, iter: &Expr) -> TextSize {
        match self.leading_bitwise_or(iter).0 {
            Some(_) => iter.end(),
            None => target.end(),
        }
    }

    /// Where `e` starts, with the parentheses around it.
    fn outer_start(&self, e: &Expr) -> TextSize {
        let mut range = e.range();
        while self.tokens.grouped(range) {
            match self.tokens.group_around(range) {
                Some(r) => range = r,
                None => break,
            }
        }
        range.start()
    }
}

/// `_PyPegen_get_invalid_target`: the first part of `e` that cannot be bound.
fn invalid(e: &Expr, kind: Targets) -> Option<&Expr> {
    match e {
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            elts.iter().find_map(|x| invalid(x, kind))
        }
        Expr::Starred(s) => {
            if kind == Targets::Del {
                Some(e)
            } else {
                invalid(&s.value, kind)
            }
        }
        Expr::Compare(c) => {
            if kind == Targets::For {
                if c.ops.first() == Some(&ast::CmpOp::In) {
                    invalid(&c.left, kind)
                } else {
                    None
                }
            } else {
                Some(e)
            }
        }
        Expr::Name(_) | Expr::Subscript(_) | Expr::Attribute(_) => None,
        _ => Some(e),
    }
}

/// Whether `e` could not be bound, whatever CPython's parser then says about it.
fn structurally_invalid(e: &Expr) -> bool {
    match e {
        Expr::List(ast::ExprList { elts, .. }) | Expr::Tuple(ast::ExprTuple { elts, .. }) => {
            elts.iter().any(structurally_invalid)
        }
        Expr::Starred(s) => structurally_invalid(&s.value),
        Expr::Name(_) | Expr::Subscript(_) | Expr::Attribute(_) => false,
        _ => true,
    }
}

/// `_PyPegen_get_expr_name`.
pub(super) fn expr_name(e: &Expr) -> &'static str {
    match e {
        Expr::Attribute(_) => "attribute",
        Expr::Subscript(_) => "subscript",
        Expr::Starred(_) => "starred",
        Expr::Name(_) => "name",
        Expr::List(_) => "list",
        Expr::Tuple(_) => "tuple",
        Expr::Lambda(_) => "lambda",
        Expr::Call(_) => "function call",
        Expr::BoolOp(_) | Expr::BinOp(_) | Expr::UnaryOp(_) => "expression",
        Expr::GeneratorExp(_) => "generator expression",
        Expr::Yield(_) | Expr::YieldFrom(_) => "yield expression",
        Expr::Await(_) => "await expression",
        Expr::ListComp(_) => "list comprehension",
        Expr::SetComp(_) => "set comprehension",
        Expr::DictComp(_) => "dict comprehension",
        Expr::Dict(_) => "dict literal",
        Expr::Set(_) => "set display",
        Expr::JoinedStr(_) | Expr::FormattedValue(_) => "f-string expression",
        Expr::Constant(c) => match c.value {
            Constant::None => "None",
            Constant::Bool(false) => "False",
            Constant::Bool(true) => "True",
            Constant::Ellipsis => "ellipsis",
            _ => "literal",
        },
        Expr::Compare(_) => "comparison",
        Expr::IfExp(_) => "conditional expression",
        Expr::NamedExpr(_) => "named expression",
        Expr::Slice(_) => "slice",
    }
}

impl<'a, 't> Visitor<'a> for TargetRules<'t> {
    fn stmt(&mut self, _walk: &Walk<'a>, stmt: &'a Stmt) {
        match stmt {
            Stmt::Assign(a) => self.assign(a),
            Stmt::AugAssign(a)
                if !matches!(
                    *a.target,
                    Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_)
                ) =>
            {
                let message = format!(
                    "'{}' is an illegal expression for augmented assignment",
                    expr_name(&a.target)
                );
                self.fail(a.value.end(), a.target.start(), message);
            }
            Stmt::AnnAssign(a) => {
                let target = &*a.target;
                let message = match target {
                    Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => return,
                    Expr::List(_) => "only single target (not list) can be annotated",
                    Expr::Tuple(_) => "only single target (not tuple) can be annotated",
                    _ => "illegal target for annotation",
                };
                self.fail(a.annotation.end(), target.start(), message.into());
            }
            Stmt::Delete(d) => {
                let key = d.targets.last().map_or(stmt.end(), |t| t.end());
                self.each(&d.targets, Targets::Del, key);
            }
            Stmt::For(ast::StmtFor { target, iter, .. })
            | Stmt::AsyncFor(ast::StmtAsyncFor { target, iter, .. }) => {
                let key = self.read_for(target, iter);
                self.each(std::slice::from_ref(&**target), Targets::For, key);
            }
            Stmt::With(ast::StmtWith { items, .. })
            | Stmt::AsyncWith(ast::StmtAsyncWith { items, .. }) => {
                for item in items {
                    if let Some(vars) = &item.optional_vars {
                        let key = vars.end();
                        self.each(std::slice::from_ref(&**vars), Targets::Star, key);
                    }
                }
            }
            _ => {}
        }
    }

    fn expr(&mut self, _walk: &Walk<'a>, expr: &'a Expr, _slot: Slot) {
        for g in generators(expr) {
            self.generator(g);
        }
    }
}
