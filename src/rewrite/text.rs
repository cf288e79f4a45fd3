//! Text helpers for moving code: where a definition starts and ends, and how its lines are
//! re-indented when it moves to module level.

use std::ops::Range;

use tree_sitter::Node;

use crate::edit::{apply_edits, ensure_disjoint, Edit};
use crate::parse::{descendants, named_children};
use crate::source::{line_end_inclusive, line_start};

/// From the comments directly above the `def` (same indentation) to the end of its last
/// statement (trailing comments of the block stay in the class).
pub fn method_range(src: &str, def: Node) -> Range<usize> {
    let def_line = line_start(src, def.start_byte());
    let indent = &src[def_line..def.start_byte()];
    let start = leading_comments_start(src, def.start_byte(), indent);
    let mut end = def.end_byte();
    if let Some(body) = def.child_by_field_name("body") {
        if let Some(last) = named_children(body)
            .into_iter()
            .rev()
            .find(|n| n.kind() != "comment")
        {
            end = last.end_byte();
        }
    }
    // tree-sitter's comment tokens run up to `\n`, so in a CRLF file a nested block that
    // ends in a comment ends after its `\r`: the line break is not part of the code.
    while end > start && src.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    // Keep a trailing comment on the last line with the code.
    let line_end = line_end_inclusive(src, end);
    let rest = &src[end..line_end];
    if rest.trim_start().starts_with('#') {
        end = line_end
            - if rest.ends_with("\r\n") {
                2
            } else if rest.ends_with('\n') {
                1
            } else {
                0
            };
    }
    start..end
}

/// The start of the run of comment lines indented by `indent` directly above `at`'s line.
pub fn leading_comments_start(src: &str, at: usize, indent: &str) -> usize {
    let mut start = line_start(src, at);
    while start > 0 {
        let prev = line_start(src, start - 1);
        let line = src[prev..start].trim_end_matches(['\r', '\n']);
        let Some(rest) = line.strip_prefix(indent) else {
            break;
        };
        if !rest.starts_with('#') {
            break;
        }
        start = prev;
    }
    start
}

/// Byte ranges of string literals that span lines: their inner lines must not change.
pub fn multiline_strings(def: Node) -> Vec<Range<usize>> {
    descendants(def)
        .filter(|n| n.kind() == "string" && n.start_position().row != n.end_position().row)
        .map(|n| n.byte_range())
        .collect()
}

/// A removed method takes its lines and one run of blank lines around it.
pub fn deletion_range(src: &str, range: Range<usize>) -> Range<usize> {
    let start = line_start(src, range.start);
    let end = line_end_inclusive(src, range.end);
    // Blank lines right before it go too (or, if none, those right after).
    let mut before = start;
    while before > 0 {
        let prev = line_start(src, before - 1);
        if !src[prev..before].trim().is_empty() {
            break;
        }
        before = prev;
    }
    if before < start {
        return before..end;
    }
    let mut after = end;
    while after < src.len() {
        let next = line_end_inclusive(src, after);
        if !src[after..next].trim().is_empty() {
            break;
        }
        after = next;
    }
    start..after
}

/// Insert a new top-level definition before the statement starting at `stmt_start` (and
/// the comments right above it), separated by two blank lines on each side.
pub fn insert_before_statement(src: &str, stmt_start: usize, definition: &str) -> Edit {
    let nl = crate::source::newline_of(src);
    let at = leading_comments_start(src, stmt_start, "");
    let before = src[..at].trim_end_matches([' ', '\t']);
    let blank_before = at == 0 || before.ends_with("\n\n") || before.ends_with("\n\r\n");
    let prefix = if blank_before {
        String::new()
    } else {
        format!("{nl}{nl}")
    };
    Edit::insert(at, format!("{prefix}{definition}{nl}{nl}{nl}"))
}

/// `src[range]` with `edits` applied and every line moved left by the indentation of the
/// line `def` starts on. Lines that begin inside a multi-line string keep their bytes, and
/// a line whose indentation another edit already touches is left to that edit.
pub fn relocate(
    src: &str,
    def: Node,
    range: Range<usize>,
    mut edits: Vec<Edit>,
) -> Result<String, String> {
    let def_line = line_start(src, def.start_byte());
    let prefix = &src[def_line..def.start_byte()];
    let strings = multiline_strings(def);
    let mut line = range.start;
    while line < range.end {
        let inside_string = strings.iter().any(|s| s.start < line && line < s.end);
        let dedent = line..line + prefix.len();
        let touches_edit = edits
            .iter()
            .any(|e| e.range.start < dedent.end && dedent.start < e.range.end);
        if !prefix.is_empty()
            && !inside_string
            && !touches_edit
            && src[line..range.end].starts_with(prefix)
        {
            edits.push(Edit::delete(dedent));
        }
        match src[line..range.end].find('\n') {
            Some(i) => line += i + 1,
            None => break,
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    ensure_disjoint(&edits)?;
    let shifted: Vec<Edit> = edits
        .into_iter()
        .map(|e| {
            Edit::replace(
                e.range.start - range.start..e.range.end - range.start,
                e.content,
            )
        })
        .collect();
    Ok(apply_edits(&src[range], &shifted))
}

/// The indentation unit the file uses (the first indented block), or four spaces.
pub fn indent_unit(src: &str) -> &str {
    let mut prev_opens_block = false;
    for line in src.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        if prev_opens_block && !indent.is_empty() {
            return indent;
        }
        prev_opens_block = line.trim_end().ends_with(':');
    }
    "    "
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_units() {
        assert_eq!(indent_unit("def f():\n\treturn 1\n"), "\t");
        assert_eq!(indent_unit("x = 1\nif x:\n  y = 2\n"), "  ");
        assert_eq!(indent_unit("x = 1\n"), "    ");
    }

    #[test]
    fn deletion_takes_blank_lines_before() {
        let src = "a\n\n\ndef f():\n    pass\nb\n";
        let start = src.find("def").unwrap();
        let end = src.find("pass").unwrap() + 4;
        assert_eq!(
            &src[deletion_range(src, start..end)],
            "\n\ndef f():\n    pass\n"
        );
    }
}
