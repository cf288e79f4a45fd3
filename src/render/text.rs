//! For people: finding lines (`text`, `concise`), findings grouped by file (`grouped`), and
//! unified diffs.

use std::io::Write;

use similar::TextDiff;

use super::{display_path, full_message, located, Style};
use crate::check::Finding;
use crate::edit::Applicability;
use crate::{FileResult, Run};

/// `[*] ` for a safe fix (as ruff marks them), `[unsafe fix] ` for an unsafe one.
fn marker(f: &Finding) -> &'static str {
    match &f.fix {
        Some(fix) if fix.applicability == Applicability::Safe => "[*] ",
        Some(_) => "[unsafe fix] ",
        None => "",
    }
}

/// `path:row:col: PF001 [*] message`.
pub fn finding_line(file: &FileResult, f: &Finding, style: &Style) -> String {
    let (row, col) = file.row_col(f.range.start);
    format!(
        "{}:{row}:{col}: {} {}{}",
        style.paint("1", &display_path(&file.path)),
        style.paint("1;31", f.rule.code()),
        marker(f),
        full_message(f)
    )
}

/// One line per finding: ruff's `concise` shape (and the finding lines of `text`).
pub fn write_concise(out: &mut impl Write, run: &Run, style: &Style) -> std::io::Result<()> {
    for file in &run.files {
        for f in &file.findings {
            writeln!(out, "{}", finding_line(file, f, style))?;
        }
    }
    Ok(())
}

/// ruff's `grouped` shape: the file name and a colon, then `  row:col CODE message` with
/// row and column padded to the widest in that file, then a blank line.
pub fn write_grouped(out: &mut impl Write, run: &Run, style: &Style) -> std::io::Result<()> {
    let all: Vec<_> = located(run).collect();
    for group in all.chunk_by(|a, b| std::ptr::eq(a.file, b.file)) {
        let row_width = group.iter().map(|l| digits(l.start.0)).max().unwrap_or(1);
        let col_width = group.iter().map(|l| digits(l.start.1)).max().unwrap_or(1);
        let name = display_path(&group[0].file.path);
        writeln!(out, "{}:", style.paint("4", &name))?;
        for l in group {
            let (row, col) = l.start;
            writeln!(
                out,
                "  {}{row}{}{col}{} {} {}{}",
                " ".repeat(row_width - digits(row)),
                style.paint("36", ":"),
                " ".repeat(col_width - digits(col)),
                style.paint("1;31", l.finding.rule.code()),
                marker(l.finding),
                full_message(l.finding)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn digits(n: usize) -> usize {
    n.max(1).ilog10() as usize + 1
}

/// The unified diff from the file's bytes to the fixed bytes, with `a/` and `b/` headers
/// relative to the current folder: it applies with `git apply` and `patch -p1`. A BOM is
/// part of the first line on both sides, as it is in the file.
pub fn diff(file: &FileResult, style: &Style) -> Option<String> {
    diff_named(file, &display_path(&file.path), style)
}

/// `diff` with the file named `name` in the headers (`--patch-dir`: relative to its
/// repository).
pub fn diff_named(file: &FileResult, name: &str, style: &Style) -> Option<String> {
    let source = file.source.as_ref()?;
    let fixed = file.fixed.as_ref()?;
    let bom = if source.bom { "\u{feff}" } else { "" };
    let old = format!("{bom}{}", source.text);
    let new = format!("{bom}{fixed}");
    let diff = TextDiff::from_lines(old.as_str(), new.as_str());
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    if !style.color {
        return Some(text);
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        let code = if line.starts_with("+++") || line.starts_with("---") {
            "1"
        } else if line.starts_with('+') {
            "32"
        } else if line.starts_with('-') {
            "31"
        } else if line.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            let body = line.trim_end_matches(['\n', '\r']);
            out.push_str(&style.paint(code, body));
            out.push_str(&line[body.len()..]);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_counts() {
        assert_eq!(digits(0), 1);
        assert_eq!(digits(9), 1);
        assert_eq!(digits(10), 2);
        assert_eq!(digits(1234), 4);
    }
}
