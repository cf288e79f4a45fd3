//! `from __future__ import` at the top of a module (Python/future.c, 3.11): which features it
//! turns on, and the errors it raises (an unknown feature, `braces`, a future import after
//! another statement on the same line). A future import further down is the compiler's error.

use rustpython_parser::ast::{Constant, Expr, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

use super::Rejection;

const FEATURES: &[&str] = &[
    "nested_scopes",
    "generators",
    "division",
    "absolute_import",
    "with_statement",
    "print_function",
    "unicode_literals",
    "barry_as_FLUFL",
    "generator_stop",
    "annotations",
];

#[derive(Default)]
pub(super) struct Future {
    pub(super) annotations: bool,
    /// The line of the last future import at the top (0: none).
    pub(super) line: usize,
    pub(super) error: Option<Rejection>,
}

pub(super) fn is_future_import(stmt: &Stmt) -> bool {
    matches!(stmt, Stmt::ImportFrom(i) if i.module.as_ref().is_some_and(|m| m.as_str() == "__future__"))
}

/// `future_parse`.
pub(super) fn scan(body: &[Stmt], text: &str) -> Future {
    let mut future = Future::default();
    let docstring = body.first().is_some_and(|s| {
        matches!(s, Stmt::Expr(e) if matches!(&*e.value, Expr::Constant(c) if matches!(c.value, Constant::Str(_))))
    });
    let mut lines = Lines::new(text);
    let mut done = false;
    let mut previous = 0;
    for stmt in &body[usize::from(docstring)..] {
        let line = lines.at(usize::from(stmt.start()));
        if done && line > previous {
            break;
        }
        previous = line;
        let Stmt::ImportFrom(i) = stmt else {
            done = true;
            continue;
        };
        if !is_future_import(stmt) {
            done = true;
            continue;
        }
        let at = stmt.start();
        if done {
            // CPython reports this one a column early (`col_offset`, not `col_offset + 1`).
            future.error = Some(Rejection {
                at: at - TextSize::from(u32::from(at > TextSize::from(0))),
                message: "from __future__ imports must occur at the beginning of the file".into(),
            });
            return future;
        }
        for alias in &i.names {
            let feature = alias.name.as_str();
            match feature {
                "annotations" => future.annotations = true,
                f if FEATURES.contains(&f) => {}
                "braces" => {
                    future.error = Some(Rejection {
                        at,
                        message: "not a chance".into(),
                    });
                    return future;
                }
                f => {
                    future.error = Some(Rejection {
                        at,
                        message: format!("future feature {f} is not defined"),
                    });
                    return future;
                }
            }
        }
        future.line = line;
    }
    future
}

/// Line numbers of increasing offsets, counted as we go.
pub(super) struct Lines<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    pub(super) fn new(text: &'t str) -> Lines<'t> {
        Lines {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of `offset` (offsets must not decrease).
    pub(super) fn at(&mut self, offset: usize) -> usize {
        let end = offset.min(self.text.len()).max(self.offset);
        self.line += self.text[self.offset..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = end;
        self.line
    }
}
