//! Suppression comments, read the way ruff reads `# noqa`: `#`, optional spaces, `noqa` in
//! any case, then nothing (everything on the line), or `:` and codes separated by commas
//! and/or spaces (`# NOQA:PF002`, `# noqa: E501,PF001`, `# noqa : PF001 why`). Text after
//! the codes is a comment. `# picklefix: ignore` works the same way (spaces around the
//! colon optional, any case), with codes in brackets (`# picklefix:ignore[PF001, PF002]`)
//! or after a colon. A malformed directive (`# noqa:` with no code, `#noqaPF001`)
//! suppresses nothing, as in ruff.

use std::ops::Range;

use crate::rules::Rule;

/// What a directive covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Directive {
    /// Every rule on the line.
    All,
    /// The listed codes, with their byte ranges in the comment.
    Codes(Vec<Range<usize>>),
}

/// The kind of comment a directive came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Noqa,
    Picklefix,
}

/// Whether the comment (one comment token, `#` included) suppresses `rule`.
pub fn comment_suppresses(comment: &str, rule: Rule) -> bool {
    [Kind::Noqa, Kind::Picklefix]
        .into_iter()
        .filter_map(|kind| first_directive(comment, kind))
        .any(|d| match d {
            Directive::All => true,
            Directive::Codes(codes) => codes
                .iter()
                .any(|r| comment[r.clone()].eq_ignore_ascii_case(rule.code())),
        })
}

/// The first directive of `kind` in the comment, as ruff takes the first `# noqa`.
pub fn first_directive(comment: &str, kind: Kind) -> Option<Directive> {
    let bytes = comment.as_bytes();
    let mut at = 0;
    while let Some(hash) = comment[at..].find('#').map(|i| at + i) {
        let mut i = skip_space(comment, hash + 1);
        at = hash + 1;
        match kind {
            Kind::Noqa => {
                if !starts_with_ignore_case(&comment[i..], "noqa") {
                    continue;
                }
                i += "noqa".len();
            }
            Kind::Picklefix => {
                if !starts_with_ignore_case(&comment[i..], "picklefix") {
                    continue;
                }
                i = skip_space(comment, i + "picklefix".len());
                if bytes.get(i) != Some(&b':') {
                    continue;
                }
                i = skip_space(comment, i + 1);
                if !starts_with_ignore_case(&comment[i..], "ignore") {
                    continue;
                }
                i += "ignore".len();
            }
        }
        // Like ruff, the first directive decides; a malformed one suppresses nothing.
        return after_marker(comment, i, kind);
    }
    None
}

fn after_marker(comment: &str, i: usize, kind: Kind) -> Option<Directive> {
    let next = comment[i..].chars().next();
    let codes_at = match next {
        None | Some('#') => return Some(Directive::All),
        Some(':') => i + 1,
        Some('[') if kind == Kind::Picklefix => i + 1,
        Some(c) if c.is_whitespace() => {
            let j = skip_space(comment, i);
            match comment[j..].chars().next() {
                Some(':') => j + 1,
                Some('[') if kind == Kind::Picklefix => j + 1,
                _ => return Some(Directive::All),
            }
        }
        // `# noqaF401`, `# picklefix: ignored`: not a directive.
        Some(_) => return None,
    };
    let closing = (kind == Kind::Picklefix && comment[..codes_at].ends_with('[')).then_some(']');
    let codes = lex_codes(comment, codes_at, closing)?;
    if codes.is_empty() {
        return None;
    }
    Some(Directive::Codes(codes))
}

/// Codes from `at`: letters then digits, separated by commas and/or whitespace (squashed
/// codes like `PF001PF002` are accepted, as ruff does). The first word that is not a code
/// starts a trailing comment; `None` when a code runs into other characters (`PF001x`).
fn lex_codes(comment: &str, mut at: usize, closing: Option<char>) -> Option<Vec<Range<usize>>> {
    let bytes = comment.as_bytes();
    let mut codes = Vec::new();
    loop {
        at = skip_space(comment, at);
        let Some(&b) = bytes.get(at) else {
            return Some(codes);
        };
        if b == b',' {
            at += 1;
            continue;
        }
        if closing.is_some_and(|c| c as u8 == b) || b == b'#' {
            return Some(codes);
        }
        let start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            at += 1;
        }
        let letters_end = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if letters_end == start || at == letters_end {
            // Not a code: the rest is an explanation.
            return Some(codes);
        }
        codes.push(start..at);
        match bytes.get(at) {
            None => return Some(codes),
            Some(b',' | b'#') => {}
            Some(c) if c.is_ascii_whitespace() || c.is_ascii_uppercase() => {}
            Some(&c) if closing.is_some_and(|x| x as u8 == c) => {}
            Some(_) => return None,
        }
    }
}

fn skip_space(s: &str, mut i: usize) -> usize {
    while let Some(c) = s[i..].chars().next().filter(|c| c.is_whitespace()) {
        i += c.len_utf8();
    }
    i
}

fn starts_with_ignore_case(s: &str, word: &str) -> bool {
    s.len() >= word.len() && s.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suppresses(comment: &str, rule: Rule) -> bool {
        comment_suppresses(comment, rule)
    }

    #[test]
    fn noqa_like_ruff() {
        let lambda = Rule::Lambda;
        for yes in [
            "# noqa",
            "#noqa",
            "# NOQA",
            "# NoQa",
            "# noqa: PF002",
            "# NOQA:PF002",
            "# noqa:PF001,PF002",
            "# noqa: PF001, PF002",
            "# noqa: PF001 PF002",
            "# noqa : PF002",
            "# noqa:PF001PF002",
            "# noqa: PF002 because the pool is a thread pool",
            "# noqa: pf002",
            "# noqa # another comment",
            "# noqa that's fine",
            "# type: ignore  # noqa: E501, PF002",
            "# noqa: PF002# trailing",
        ] {
            assert!(suppresses(yes, lambda), "{yes}");
        }
        for no in [
            "# noqa: E501",
            "# noqa:",
            "# noqa: because",
            "#noqaPF002",
            "# noqa-PF002",
            "# noqa: PF002x",
            "# TODO: noqa later",
            "# noqa: E501  # noqa: PF002",
            "# nope",
        ] {
            assert!(!suppresses(no, lambda), "{no}");
        }
    }

    #[test]
    fn picklefix_ignore() {
        let bound = Rule::BoundMethod;
        for yes in [
            "# picklefix: ignore",
            "# picklefix:ignore",
            "#picklefix : ignore",
            "# PICKLEFIX: IGNORE",
            "# picklefix: ignore[PF001]",
            "# picklefix: ignore [PF002, PF001]",
            "# picklefix: ignore[PF002,PF001] why",
            "# picklefix: ignore: PF001",
            "# picklefix: ignore  # noqa: E501",
            "# noqa: E501  # picklefix: ignore[PF001]",
        ] {
            assert!(suppresses(yes, bound), "{yes}");
        }
        for no in [
            "# picklefix: ignore[PF002]",
            "# picklefix: ignored",
            "# picklefix: ignore[]",
            "# picklefix ignore",
            "# picklefix: ignore[PF001x]",
        ] {
            assert!(!suppresses(no, bound), "{no}");
        }
    }

    proptest::proptest! {
        /// Any comment text is read without a panic, and code ranges slice it.
        #[test]
        fn any_comment_is_read(body in "[ #:,\\[\\]a-zA-Z0-9éü\t]{0,40}") {
            for text in [format!("#{body}"), format!("# noqa{body}"), format!("# picklefix: ignore{body}")] {
                for kind in [Kind::Noqa, Kind::Picklefix] {
                    if let Some(Directive::Codes(codes)) = first_directive(&text, kind) {
                        for r in codes {
                            proptest::prop_assert!(text.get(r).is_some());
                        }
                    }
                }
                let _ = comment_suppresses(&text, Rule::Lambda);
            }
        }
    }

    #[test]
    fn code_ranges_point_into_the_comment() {
        let c = "# noqa: E501,  PF001 why";
        let Some(Directive::Codes(codes)) = first_directive(c, Kind::Noqa) else {
            panic!()
        };
        let texts: Vec<&str> = codes.iter().map(|r| &c[r.clone()]).collect();
        assert_eq!(texts, ["E501", "PF001"]);
    }
}
