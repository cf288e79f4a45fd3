//! Other corners of CPython's grammar (3.11) that rustpython's accepts: a starred item as a
//! comprehension's element, an unparenthesized generator beside other arguments, a bare `*`
//! with no keyword parameter after it, a starred `match` subject, malformed complex literals
//! and `**_` in patterns.

use rustpython_parser::ast::{self, Constant, Expr, Pattern, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

use super::tokens::{Kind, Tokens};
use super::walk::{Slot, Visitor, Walk};
use super::First;

pub(super) struct GrammarRules<'t> {
    tokens: &'t Tokens,
    pub(super) error: First,
}

impl<'t> GrammarRules<'t> {
    pub(super) fn new(tokens: &'t Tokens) -> GrammarRules<'t> {
        GrammarRules {
            tokens,
            error: First::default(),
        }
    }

    fn fail(&mut self, at: TextSize, message: &str) {
        self.error.offer(at, at, message);
    }

    fn unparenthesized_generator(&self, e: &Expr) -> bool {
        matches!(e, Expr::GeneratorExp(_)) && !self.tokens.spans(e.range())
    }

    /// `f(x for x in y, 1)`: a generator argument needs its own parentheses unless it is alone.
    fn call(&mut self, c: &ast::ExprCall) {
        for arg in &c.args {
            if !self.unparenthesized_generator(arg) {
                continue;
            }
            let alone = c.args.len() == 1 && c.keywords.is_empty();
            let comma = matches!(self.tokens.next(arg.end()), Some((Kind::Comma, _)));
            if !alone || comma {
                let message = "Generator expression must be parenthesized";
                let at = match arg {
                    Expr::GeneratorExp(g) => g.elt.start(),
                    _ => arg.start(),
                };
                self.error.offer(c.range.end(), at, message);
            }
        }
    }

    /// `def f(a, *, **k)`: a bare `*` must be followed by a keyword-only parameter.
    /// (`first` is the index of the first parameter token: a lambda's start with its keyword,
    /// and CPython reports it one token after the comma.)
    fn bare_star(&mut self, args: &ast::Arguments, tokens: &[(Kind, TextSize)], first: usize) {
        if args.vararg.is_some() || !args.kwonlyargs.is_empty() {
            return;
        }
        for (i, &(kind, at)) in tokens.iter().enumerate() {
            if kind != Kind::Star {
                continue;
            }
            let before = i.checked_sub(1).map(|b| tokens[b].0).filter(|_| i > first);
            let after = tokens.get(i + 1).map(|t| t.0);
            let starts = before.is_none() || before == Some(Kind::Comma);
            let ends = matches!(after, None | Some(Kind::Comma) | Some(Kind::Colon));
            if starts && ends {
                let at = match (first, after) {
                    (0, _) => at,
                    (_, Some(Kind::Comma)) => tokens.get(i + 2).map_or(at, |t| t.1),
                    _ => tokens.get(i + 1).map_or(at, |t| t.1),
                };
                self.fail(at, "named arguments must follow bare *");
                return;
            }
        }
    }

    fn def_params(&mut self, args: &ast::Arguments, stmt: &Stmt) {
        let (decorators, body) = match stmt {
            Stmt::FunctionDef(d) => (&d.decorator_list, &d.body),
            Stmt::AsyncFunctionDef(d) => (&d.decorator_list, &d.body),
            _ => return,
        };
        let from = decorators.last().map_or(stmt.start(), |d| d.end());
        let to = body.first().map_or(stmt.end(), |b| b.start());
        let head = self.tokens.flat(from, to);
        let Some(&(_, open)) = head.iter().find(|t| t.0 == Kind::Open(b'(')) else {
            return;
        };
        let Some(close) = self.tokens.close_of(open) else {
            return;
        };
        let inside = self.tokens.flat(open + TextSize::from(1), close);
        self.bare_star(args, &inside, 0);
    }

    fn pattern_literal(&mut self, e: &Expr) {
        let Expr::BinOp(b) = e else { return };
        let real = match &*b.left {
            Expr::Constant(c) => real_number(&c.value),
            Expr::UnaryOp(u) if u.op == ast::UnaryOp::USub => {
                matches!(&*u.operand, Expr::Constant(c) if real_number(&c.value))
            }
            _ => false,
        };
        if !real {
            self.fail(b.left.start(), "real number required in complex literal");
        } else if !matches!(&*b.right, Expr::Constant(c) if imaginary_number(&c.value)) {
            self.fail(
                b.right.start(),
                "imaginary number required in complex literal",
            );
        }
    }
}

fn real_number(c: &Constant) -> bool {
    matches!(c, Constant::Int(_) | Constant::Float(_))
}

fn imaginary_number(c: &Constant) -> bool {
    matches!(c, Constant::Complex { real, .. } if *real == 0.0)
}

impl<'a, 't> Visitor<'a> for GrammarRules<'t> {
    fn stmt(&mut self, _walk: &Walk<'a>, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(d) => self.def_params(&d.args, stmt),
            Stmt::AsyncFunctionDef(d) => self.def_params(&d.args, stmt),
            Stmt::ClassDef(c) => {
                for base in &c.bases {
                    if let Expr::GeneratorExp(g) = base {
                        if self.unparenthesized_generator(base) {
                            let at = self
                                .tokens
                                .flat(g.elt.end(), base.end())
                                .iter()
                                .find(|t| matches!(t.0, Kind::For | Kind::Async))
                                .map_or(base.start(), |t| t.1);
                            self.fail(at, "invalid syntax");
                        }
                    }
                }
            }
            Stmt::Match(m)
                if matches!(&*m.subject, Expr::Starred(_))
                    && !self.tokens.grouped(m.subject.range()) =>
            {
                let at = self
                    .tokens
                    .find(m.subject.end(), Kind::Colon)
                    .unwrap_or(m.subject.start());
                self.fail(at, "invalid syntax");
            }
            _ => {}
        }
    }

    fn expr(&mut self, walk: &Walk<'a>, expr: &'a Expr, _slot: Slot) {
        match expr {
            Expr::ListComp(ast::ExprListComp { elt, .. })
            | Expr::SetComp(ast::ExprSetComp { elt, .. })
            | Expr::GeneratorExp(ast::ExprGeneratorExp { elt, .. }) => {
                if matches!(**elt, Expr::Starred(_)) {
                    let message = "iterable unpacking cannot be used in comprehension";
                    self.error.offer(expr.end(), elt.start(), message);
                }
            }
            Expr::Call(c) if !walk.in_fstring() => self.call(c),
            Expr::Lambda(l) if !walk.in_fstring() => {
                let tokens = self.tokens.flat(expr.start(), l.body.start());
                self.bare_star(&l.args, &tokens, 1);
            }
            _ => {}
        }
    }

    fn pattern(&mut self, _walk: &Walk<'a>, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchValue(v) => self.pattern_literal(&v.value),
            Pattern::MatchMapping(m) => {
                for key in &m.keys {
                    self.pattern_literal(key);
                }
                if m.rest.as_ref().is_some_and(|r| r.as_str() == "_") {
                    let inside = self
                        .tokens
                        .flat(pattern.start() + TextSize::from(1), pattern.end());
                    let at = inside
                        .iter()
                        .position(|t| t.0 == Kind::DoubleStar)
                        .and_then(|i| inside.get(i + 1))
                        .map_or(pattern.start(), |t| t.1);
                    self.fail(at, "invalid syntax");
                }
            }
            _ => {}
        }
    }
}
