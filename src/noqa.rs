//! `--add-noqa`: put `# noqa: CODE` on the line of every finding, so a large codebase can be
//! baselined before `--check` gates it (like ruff's `--add-noqa`). Codes join an existing
//! `# noqa: …` list on the line; any other comment keeps its text and gets the directive
//! after it. A line that ends inside a string or with a `\` continuation cannot hold a
//! comment: its findings are named and left alone.

use std::collections::{BTreeMap, BTreeSet};

use tree_sitter::Node;

use crate::check::Finding;
use crate::edit::{apply_edits, Edit};
use crate::parse::{descendants, error_count, parse};
use crate::source::{line_start, row_col};
use crate::suppress::{first_directive, Directive, Kind};

/// The text with the directives added.
#[derive(Debug)]
pub struct Added {
    pub text: String,
    /// Findings now suppressed.
    pub suppressed: usize,
    /// Lines that could not take a comment, with why.
    pub refused: Vec<String>,
}

/// Plan and apply the directives for `findings` (all found on `text`), then check with
/// `analyze` that the findings are gone and nothing else changed.
pub fn add_noqa(
    text: &str,
    findings: &[Finding],
    analyze: impl Fn(&str) -> Result<Vec<Finding>, String>,
) -> Result<Added, String> {
    let tree = parse(text).ok_or("the parser gave up")?;
    let root = tree.root_node();
    let mut comments = Vec::new();
    let mut strings = Vec::new();
    for node in descendants(root) {
        match node.kind() {
            "comment" => comments.push(node),
            "string" => strings.push(node),
            _ => {}
        }
    }
    // Codes per line and how many findings the line holds, by the line's start offset.
    let mut lines: BTreeMap<usize, (BTreeSet<&str>, usize)> = BTreeMap::new();
    for f in findings {
        let line = lines.entry(line_start(text, f.range.start)).or_default();
        line.0.insert(f.rule.code());
        line.1 += 1;
    }
    let mut edits = Vec::new();
    let mut refused = Vec::new();
    let mut suppressed = 0;
    let mut added_lines = Vec::new();
    for (&start, (codes, count)) in &lines {
        match plan_line(text, start, codes, &comments, &strings) {
            Ok(edit) => {
                edits.push(edit);
                suppressed += *count;
                added_lines.push(start);
            }
            Err(why) => {
                let (row, _) = row_col(text, start);
                refused.push(format!("line {row}: {why}"));
            }
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let new = apply_edits(text, &edits);
    if edits.is_empty() {
        return Ok(Added {
            text: new,
            suppressed: 0,
            refused,
        });
    }
    match parse(&new) {
        Some(t) if error_count(&t) == 0 => {}
        _ => return Err("adding noqa comments would make the file invalid Python".into()),
    }
    // The lines we touched must be clean now, and the others must report what they did.
    let after = analyze(&new)?;
    if after.len() != findings.len() - suppressed {
        return Err("the added noqa comments did not suppress every finding".into());
    }
    Ok(Added {
        text: new,
        suppressed,
        refused,
    })
}

/// The edit that puts `codes` in a noqa directive on the line starting at `start`.
fn plan_line(
    text: &str,
    start: usize,
    codes: &BTreeSet<&str>,
    comments: &[Node],
    strings: &[Node],
) -> Result<Edit, String> {
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let content_end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    if strings
        .iter()
        .any(|s| s.start_byte() < content_end && content_end < s.end_byte())
    {
        return Err("the line ends inside a string, so it cannot hold a comment".into());
    }
    let comment = comments
        .iter()
        .find(|c| c.start_byte() >= start && c.start_byte() < content_end);
    let list = codes.iter().copied().collect::<Vec<_>>().join(", ");
    let Some(comment) = comment else {
        let code_end = start + text[start..content_end].trim_end().len();
        if text[start..code_end].ends_with('\\') {
            return Err("the line continues with `\\`, so it cannot hold a comment".into());
        }
        return Ok(Edit::replace(
            code_end..content_end,
            format!("  # noqa: {list}"),
        ));
    };
    let comment_end = comment.end_byte().min(content_end);
    let body = &text[comment.start_byte()..comment_end];
    match first_directive(body, Kind::Noqa) {
        // Already covers the line (the finding would not exist): nothing to add.
        Some(Directive::All) => Ok(Edit::insert(comment_end, "")),
        Some(Directive::Codes(existing)) => {
            let present: BTreeSet<String> = existing
                .iter()
                .map(|r| body[r.clone()].to_ascii_uppercase())
                .collect();
            let missing: Vec<&str> = codes
                .iter()
                .copied()
                .filter(|c| !present.contains(*c))
                .collect();
            let last = existing.last().map_or(0, |r| r.end);
            Ok(Edit::insert(
                comment.start_byte() + last,
                format!(", {}", missing.join(", ")),
            ))
        }
        None => {
            let trimmed = comment.start_byte() + body.trim_end().len();
            Ok(Edit::replace(
                trimmed..comment_end,
                format!("  # noqa: {list}"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Verdict;
    use crate::rules::Rule;

    fn finding(text: &str, needle: &str, rule: Rule) -> Finding {
        let at = text.find(needle).unwrap();
        Finding {
            rule,
            message: String::new(),
            range: at..at + needle.len(),
            fix: None,
            verdict: Verdict::Stateful,
            reason: None,
        }
    }

    fn add(text: &str, findings: &[Finding]) -> Added {
        add_noqa(text, findings, |_| Ok(Vec::new())).unwrap()
    }

    #[test]
    fn appends_or_joins_directives() {
        let text = "a = f(x)\r\nb = g(y)  # keep me\nc = h(z)  # noqa: E501 (long)\nd = 1\n";
        let fs = [
            finding(text, "x", Rule::Lambda),
            finding(text, "y", Rule::BoundMethod),
            finding(text, "z", Rule::BoundMethod),
            finding(text, "f(", Rule::BoundMethod),
        ];
        let added = add(text, &fs);
        assert_eq!(
            added.text,
            "a = f(x)  # noqa: PF001, PF002\r\nb = g(y)  # keep me  # noqa: PF001\nc = h(z)  # noqa: E501, PF001 (long)\nd = 1\n"
        );
        assert_eq!(added.suppressed, 4);
        assert!(added.refused.is_empty());
    }

    #[test]
    fn refuses_lines_that_cannot_hold_a_comment() {
        let text = "pool.map(f, \"\"\"a\nb\"\"\")\nx = g(1) + \\\n    2\n";
        let fs = [
            finding(text, "f,", Rule::Lambda),
            finding(text, "g(1)", Rule::Lambda),
        ];
        let added = add(text, &fs);
        assert_eq!(added.text, text);
        assert_eq!(added.refused.len(), 2, "{:?}", added.refused);
        assert!(
            added.refused[0].starts_with("line 1: "),
            "{:?}",
            added.refused
        );
    }

    #[test]
    fn no_final_newline_and_verification() {
        let text = "pool.map(f, xs)";
        let fs = [finding(text, "f,", Rule::Lambda)];
        assert_eq!(add(text, &fs).text, "pool.map(f, xs)  # noqa: PF002");
        let err = add_noqa(text, &fs, |_| Ok(fs.to_vec())).unwrap_err();
        assert!(err.contains("did not suppress"), "{err}");
    }
}
