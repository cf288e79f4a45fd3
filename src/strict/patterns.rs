//! The compiler's rules for `match` (Python/compile.c, 3.11): an irrefutable case (a bare
//! name or `_`) must be last, alternatives must bind the same names, a name binds once per
//! pattern, one star per sequence, mapping keys are distinct literals or attribute lookups,
//! class-pattern keywords are distinct.
//!
//! Patterns nest only inside brackets (at most 200 deep), so plain recursion is safe here.

use rustpython_parser::ast::{self, Constant, Expr, Pattern, Ranged};
use rustpython_parser::text_size::TextSize;

use super::Rejection;

/// The first error in the order CPython compiles the cases of `m`.
pub(super) fn check(m: &ast::StmtMatch) -> Option<Rejection> {
    let cases = &m.cases;
    let n = cases.len();
    // A trailing `case _:` is never compiled as a pattern.
    let has_default = n > 1 && cases.last().is_some_and(|c| wildcard(&c.pattern));
    for (i, case) in cases[..n - usize::from(has_default)].iter().enumerate() {
        let mut pc = Context {
            stores: Vec::new(),
            allow_irrefutable: case.guard.is_some() || i == n - 1,
            at: case.pattern.start(),
        };
        if let Err(e) = pc.pattern(&case.pattern) {
            return Some(e);
        }
    }
    None
}

fn wildcard(p: &Pattern) -> bool {
    matches!(p, Pattern::MatchAs(a) if a.name.is_none())
}

struct Context {
    /// Names bound so far, in order.
    stores: Vec<String>,
    allow_irrefutable: bool,
    /// The pattern being compiled: where CPython reports an error.
    at: TextSize,
}

type Checked = Result<(), Rejection>;

impl Context {
    fn error(&self, message: String) -> Rejection {
        Rejection {
            at: self.at,
            message,
        }
    }

    fn store(&mut self, name: Option<&ast::Identifier>) -> Checked {
        let Some(name) = name else { return Ok(()) };
        if name.as_str() == "__debug__" {
            return Err(self.error("cannot assign to __debug__".into()));
        }
        if self.stores.iter().any(|s| s == name.as_str()) {
            return Err(self.error(format!("multiple assignments to name '{name}' in pattern")));
        }
        self.stores.push(name.to_string());
        Ok(())
    }

    fn subpattern(&mut self, p: &Pattern) -> Checked {
        let allow = std::mem::replace(&mut self.allow_irrefutable, true);
        let result = self.pattern(p);
        self.allow_irrefutable = allow;
        result
    }

    fn pattern(&mut self, p: &Pattern) -> Checked {
        self.at = p.start();
        match p {
            Pattern::MatchValue(v) => {
                if !value_expr(&v.value) {
                    let message = "patterns may only match literals and attribute lookups";
                    return Err(self.error(message.into()));
                }
                Ok(())
            }
            Pattern::MatchSingleton(_) => Ok(()),
            Pattern::MatchSequence(s) => {
                let stars = s
                    .patterns
                    .iter()
                    .filter(|p| matches!(p, Pattern::MatchStar(_)))
                    .count();
                if stars > 1 {
                    return Err(self.error("multiple starred names in sequence pattern".into()));
                }
                s.patterns.iter().try_for_each(|p| self.subpattern(p))
            }
            Pattern::MatchMapping(m) => {
                let mut seen: Vec<Key> = Vec::new();
                for key in &m.keys {
                    match fold(key) {
                        Some(value) => {
                            let k = Key::of(&value);
                            if seen.contains(&k) {
                                return Err(self.error(format!(
                                    "mapping pattern checks duplicate key ({})",
                                    repr(&value)
                                )));
                            }
                            seen.push(k);
                        }
                        None if matches!(key, Expr::Attribute(_)) => {}
                        None => {
                            let message =
                                "mapping pattern keys may only match literals and attribute lookups";
                            return Err(self.error(message.into()));
                        }
                    }
                }
                m.patterns.iter().try_for_each(|p| self.subpattern(p))?;
                self.store(m.rest.as_ref())
            }
            Pattern::MatchClass(c) => {
                for (i, attr) in c.kwd_attrs.iter().enumerate() {
                    if let Some(p) = c.kwd_patterns.get(i) {
                        self.at = p.start();
                    }
                    if attr.as_str() == "__debug__" {
                        return Err(self.error("cannot assign to __debug__".into()));
                    }
                    if let Some(j) = (i + 1..c.kwd_attrs.len()).find(|&j| c.kwd_attrs[j] == *attr) {
                        if let Some(p) = c.kwd_patterns.get(j) {
                            self.at = p.start();
                        }
                        return Err(
                            self.error(format!("attribute name repeated in class pattern: {attr}"))
                        );
                    }
                }
                c.patterns
                    .iter()
                    .chain(&c.kwd_patterns)
                    .try_for_each(|p| self.subpattern(p))
            }
            Pattern::MatchStar(s) => self.store(s.name.as_ref()),
            Pattern::MatchAs(a) => {
                match &a.pattern {
                    None => {
                        if !self.allow_irrefutable {
                            let message = match &a.name {
                                Some(name) => {
                                    format!("name capture '{name}' makes remaining patterns unreachable")
                                }
                                None => "wildcard makes remaining patterns unreachable".into(),
                            };
                            return Err(self.error(message));
                        }
                        self.store(a.name.as_ref())
                    }
                    Some(inner) => {
                        self.pattern(inner)?;
                        self.store(a.name.as_ref())
                    }
                }
            }
            Pattern::MatchOr(o) => self.or(&o.patterns),
        }
    }

    /// Each alternative binds the same names; they join the names bound before the `|`.
    fn or(&mut self, alternatives: &[Pattern]) -> Checked {
        let before = std::mem::take(&mut self.stores);
        let allow = self.allow_irrefutable;
        let mut control: Option<Vec<String>> = None;
        for (i, alt) in alternatives.iter().enumerate() {
            self.at = alt.start();
            self.stores = Vec::new();
            self.allow_irrefutable = i + 1 == alternatives.len() && allow;
            self.pattern(alt)?;
            match &control {
                None => control = Some(std::mem::take(&mut self.stores)),
                Some(names) => {
                    // CPython compares NFKC-normalized names; we only trust plain ASCII.
                    let ascii = names.iter().chain(&self.stores).all(|n| n.is_ascii());
                    let same = names.len() == self.stores.len()
                        && names.iter().all(|n| self.stores.contains(n));
                    if ascii && !same {
                        return Err(self.error("alternative patterns bind different names".into()));
                    }
                }
            }
        }
        self.allow_irrefutable = allow;
        self.stores = before;
        for name in control.unwrap_or_default() {
            if self.stores.contains(&name) {
                return Err(self.error(format!("multiple assignments to name '{name}' in pattern")));
            }
            self.stores.push(name);
        }
        Ok(())
    }
}

/// `MATCH_VALUE_EXPR` after CPython's constant folding: a literal or an attribute lookup.
fn value_expr(e: &Expr) -> bool {
    matches!(e, Expr::Attribute(_)) || fold(e).is_some()
}

/// A folded constant: what CPython's AST optimizer makes of `-1` or `1+2j`.
#[derive(Clone, Debug)]
enum Value {
    Const(Constant),
    Complex { real: f64, imag: f64 },
}

fn fold(e: &Expr) -> Option<Value> {
    match e {
        Expr::Constant(c) => Some(Value::Const(c.value.clone())),
        Expr::UnaryOp(u) if u.op == ast::UnaryOp::USub => match fold(&u.operand)? {
            Value::Const(Constant::Int(i)) => Some(Value::Const(Constant::Int(-i))),
            Value::Const(Constant::Float(f)) => Some(Value::Const(Constant::Float(-f))),
            Value::Const(Constant::Complex { real, imag }) => Some(Value::Complex {
                real: -real,
                imag: -imag,
            }),
            Value::Complex { real, imag } => Some(Value::Complex {
                real: -real,
                imag: -imag,
            }),
            Value::Const(_) => None,
        },
        Expr::BinOp(b) if matches!(b.op, ast::Operator::Add | ast::Operator::Sub) => {
            let real = match fold(&b.left)? {
                Value::Const(Constant::Int(i)) => int_to_f64(&i.to_string()),
                Value::Const(Constant::Float(f)) => f,
                _ => return None,
            };
            let imag = match fold(&b.right)? {
                Value::Const(Constant::Complex { real: 0.0, imag }) => imag,
                _ => return None,
            };
            let imag = if b.op == ast::Operator::Sub {
                -imag
            } else {
                imag
            };
            Some(Value::Complex { real, imag })
        }
        _ => None,
    }
}

fn int_to_f64(digits: &str) -> f64 {
    digits.parse().unwrap_or(f64::INFINITY)
}

/// A constant as a key of a Python set: numbers equal across int, float and complex.
#[derive(PartialEq, Debug)]
enum Key {
    /// An integral real number, in decimal.
    Integer(String),
    /// Any other real number (its bits; never zero, never NaN).
    Real(u64),
    Complex(Box<Key>, u64),
    Str(String),
    Bytes(Vec<u8>),
    None,
    Other(String),
}

impl Key {
    fn real(f: f64) -> Key {
        if f.is_finite() && f.fract() == 0.0 {
            if f == 0.0 {
                Key::Integer("0".into())
            } else {
                Key::Integer(format!("{f:.0}"))
            }
        } else {
            Key::Real(f.to_bits())
        }
    }

    fn of(value: &Value) -> Key {
        match value {
            Value::Complex { real, imag } => Key::complex(*real, *imag),
            Value::Const(c) => match c {
                Constant::Int(i) => Key::Integer(i.to_string()),
                Constant::Bool(b) => Key::Integer(if *b { "1" } else { "0" }.into()),
                Constant::Float(f) => Key::real(*f),
                Constant::Complex { real, imag } => Key::complex(*real, *imag),
                Constant::Str(s) => Key::Str(s.clone()),
                Constant::Bytes(b) => Key::Bytes(b.clone()),
                Constant::None => Key::None,
                other => Key::Other(format!("{other:?}")),
            },
        }
    }

    fn complex(real: f64, imag: f64) -> Key {
        if imag == 0.0 {
            Key::real(real)
        } else {
            Key::Complex(Box::new(Key::real(real)), imag.to_bits())
        }
    }
}

/// Python's `repr` of a folded constant.
fn repr(value: &Value) -> String {
    match value {
        Value::Complex { real, imag } => complex_repr(*real, *imag),
        Value::Const(c) => match c {
            Constant::None => "None".into(),
            Constant::Bool(true) => "True".into(),
            Constant::Bool(false) => "False".into(),
            Constant::Int(i) => i.to_string(),
            Constant::Float(f) => float_repr(*f, true),
            Constant::Complex { real, imag } => complex_repr(*real, *imag),
            Constant::Str(s) => str_repr(s),
            Constant::Bytes(b) => bytes_repr(b),
            Constant::Ellipsis => "Ellipsis".into(),
            Constant::Tuple(_) => format!("{c:?}"),
        },
    }
}

fn complex_repr(real: f64, imag: f64) -> String {
    let imag_part = format!("{}j", float_repr(imag, false));
    if real == 0.0 && real.is_sign_positive() {
        imag_part
    } else {
        let sign = if imag.is_sign_negative() { "" } else { "+" };
        format!("({}{sign}{imag_part})", float_repr(real, false))
    }
}

/// `float.__repr__`: the shortest round-tripping digits, exponent outside 1e-4 .. 1e16.
fn float_repr(f: f64, dot_zero: bool) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let decpt = exponent + 1;
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let n = digits.len() as i32;
    let body = if !(-4 < decpt && decpt <= 16) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let e = decpt - 1;
        let esign = if e < 0 { '-' } else { '+' };
        format!("{first}{dot}e{esign}{:02}", e.abs())
    } else if decpt <= 0 {
        format!("0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= n {
        let zeros = "0".repeat((decpt - n) as usize);
        let tail = if dot_zero { ".0" } else { "" };
        format!("{digits}{zeros}{tail}")
    } else {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{int}.{frac}")
    };
    format!("{sign}{body}")
}

fn quote_for(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double {
        '"'
    } else {
        '\''
    }
}

/// `str.__repr__` (printability of non-ASCII characters approximated).
fn str_repr(s: &str) -> String {
    let quote = quote_for(s.contains('\''), s.contains('"'));
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) || c == '\u{ad}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if matches!(c as u32, 0x2028 | 0x2029 | 0xfeff | 0x200b..=0x200f) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn bytes_repr(b: &[u8]) -> String {
    let quote = quote_for(b.contains(&b'\''), b.contains(&b'"'));
    let mut out = format!("b{quote}");
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote as u8 => {
                out.push('\\');
                out.push(c as char);
            }
            c if !(0x20..0x7f).contains(&c) => out.push_str(&format!("\\x{c:02x}")),
            c => out.push(c as char),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs_match_python() {
        // Each right-hand side is `repr(...)` in CPython 3.11.
        assert_eq!(float_repr(1.0, true), "1.0");
        assert_eq!(float_repr(1.5, true), "1.5");
        assert_eq!(float_repr(-0.0, true), "-0.0");
        assert_eq!(float_repr(1e100, true), "1e+100");
        assert_eq!(float_repr(1e16, true), "1e+16");
        assert_eq!(float_repr(1e15, true), "1000000000000000.0");
        assert_eq!(float_repr(0.0001, true), "0.0001");
        assert_eq!(float_repr(0.00001, true), "1e-05");
        assert_eq!(float_repr(123.456, true), "123.456");
        assert_eq!(complex_repr(0.0, 0.0), "0j");
        assert_eq!(complex_repr(1.0, 0.0), "(1+0j)");
        assert_eq!(complex_repr(-1.0, -2.5), "(-1-2.5j)");
        assert_eq!(str_repr("a"), "'a'");
        assert_eq!(str_repr("a\n'b"), "\"a\\n'b\"");
        assert_eq!(str_repr("it's \"x\""), "'it\\'s \"x\"'");
        assert_eq!(bytes_repr(b"a\x00'"), "b\"a\\x00'\"");
    }
}
