//! Summary lines and the exit status of a run.

use crate::edit::Applicability;
use crate::settings::{Mode, Settings};
use crate::Run;

pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FOUND: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub findings: usize,
    /// Findings whose fix applies in this run (safe, or unsafe where enabled).
    pub fixable: usize,
    /// Unsafe fixes that `--unsafe-fixes` would apply.
    pub unsafe_fixable: usize,
    pub fixes_applied: usize,
    pub files_changed: usize,
    pub files_written: usize,
    pub errors: usize,
}

pub fn totals(run: &Run, settings: &Settings) -> Totals {
    let mut t = Totals {
        errors: run.errors.len(),
        ..Totals::default()
    };
    for f in &run.files {
        // Each root decides (pyproject.toml or flag) whether its unsafe fixes apply.
        let unsafe_on = run
            .roots
            .get(f.root)
            .map_or(settings.unsafe_fixes, |r| r.unsafe_fixes);
        t.findings += f.findings.len();
        for finding in &f.findings {
            match finding.fix.as_ref().map(|x| x.applicability) {
                Some(Applicability::Safe) => t.fixable += 1,
                Some(Applicability::Unsafe) if unsafe_on => t.fixable += 1,
                Some(Applicability::Unsafe) => t.unsafe_fixable += 1,
                _ => {}
            }
        }
        // Under --write only what reached the disk counts as fixed.
        if settings.mode != Mode::Write || f.written {
            t.fixes_applied += f.fixes_applied;
        }
        t.files_changed += usize::from(f.fixed.is_some());
        t.files_written += usize::from(f.written);
        t.errors += usize::from(f.error.is_some());
    }
    t
}

/// The closing line(s) for people.
pub fn summary(run: &Run, settings: &Settings) -> String {
    let t = totals(run, settings);
    let mut lines = Vec::new();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let left = t.findings.saturating_sub(t.fixable + t.unsafe_fixable);
    let mut head = format!(
        "{} in {} scanned",
        plural(t.findings, "finding", "findings"),
        plural(run.scanned, "file", "files")
    );
    match settings.mode {
        Mode::Write => head.push_str(&format!(
            "; fixed {} in {}",
            plural(t.fixes_applied, "finding", "findings"),
            plural(t.files_written, "file", "files")
        )),
        Mode::DryRun => head.push_str(&format!(
            "; {} would change ({} fixable, run with --write)",
            plural(t.files_changed, "file", "files"),
            t.fixable
        )),
        Mode::Check => {}
    }
    lines.push(head);
    if t.unsafe_fixable > 0 {
        lines.push(format!(
            "{} available with --unsafe-fixes",
            plural(t.unsafe_fixable, "unsafe fix is", "unsafe fixes are")
        ));
    }
    if left > 0 {
        lines.push(format!(
            "{} without an automatic fix (reasons above)",
            plural(left, "finding", "findings")
        ));
    }
    if t.errors > 0 {
        lines.push(format!(
            "{} could not be processed (see messages above)",
            plural(t.errors, "file", "files")
        ));
    }
    lines.join("\n")
}

pub fn exit_code(run: &Run, settings: &Settings) -> i32 {
    let t = totals(run, settings);
    if t.errors > 0 {
        EXIT_ERROR
    } else if settings.mode == Mode::Check && t.findings > 0 {
        EXIT_FOUND
    } else {
        EXIT_CLEAN
    }
}

/// One row of the per-repository summary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RootSummary {
    pub root: String,
    /// The `pyproject.toml` that configured this root.
    pub config: Option<String>,
    pub files_scanned: usize,
    pub findings: usize,
    /// Fixes applied (`--write`) or that would be applied (dry run / check).
    pub fixed: usize,
    pub unsafe_fixes_available: usize,
    /// Files not processed or not written, counted by reason.
    pub skipped: std::collections::BTreeMap<String, usize>,
}

/// A short name for why a file was skipped, for counting.
pub fn skip_reason(message: &str) -> &'static str {
    const KINDS: &[(&str, &str)] = &[
        ("syntax error", "syntax error"),
        ("uncommitted changes", "uncommitted changes"),
        ("changed on disk", "changed during the run"),
        ("byte limit", "too large"),
        ("binary file", "binary"),
        ("UTF-8", "encoding"),
        ("declares encoding", "encoding"),
        ("invalid Python", "fix rejected"),
    ];
    KINDS
        .iter()
        .find(|(needle, _)| message.contains(needle))
        .map_or("unreadable", |(_, kind)| kind)
}

pub fn per_root(run: &Run, settings: &Settings) -> Vec<RootSummary> {
    let mut rows: Vec<RootSummary> = run
        .roots
        .iter()
        .enumerate()
        .map(|(i, r)| RootSummary {
            root: r.path.display().to_string(),
            config: r.config.as_ref().map(|c| c.display().to_string()),
            files_scanned: run.scanned_per_root.get(i).copied().unwrap_or(0),
            findings: 0,
            fixed: 0,
            unsafe_fixes_available: 0,
            skipped: Default::default(),
        })
        .collect();
    for f in &run.files {
        let Some(row) = rows.get_mut(f.root) else {
            continue;
        };
        let unsafe_on = run.roots.get(f.root).is_some_and(|r| r.unsafe_fixes);
        row.findings += f.findings.len();
        let counted_fixes = match settings.mode {
            Mode::Write if f.written => f.fixes_applied,
            Mode::Write => 0,
            _ => f.fixes_applied,
        };
        row.fixed += counted_fixes;
        if !unsafe_on {
            row.unsafe_fixes_available += f
                .findings
                .iter()
                .filter(|x| {
                    x.fix
                        .as_ref()
                        .is_some_and(|fix| fix.applicability == Applicability::Unsafe)
                })
                .count();
        }
        if let Some(e) = &f.error {
            *row.skipped.entry(skip_reason(e).to_string()).or_default() += 1;
        }
    }
    for (path, message) in &run.errors {
        let index = run
            .roots
            .iter()
            .position(|r| path.starts_with(&r.path))
            .unwrap_or(0);
        if let Some(row) = rows.get_mut(index) {
            *row.skipped
                .entry(skip_reason(message).to_string())
                .or_default() += 1;
        }
    }
    rows
}

/// The per-repository table for people.
pub fn per_root_table(rows: &[RootSummary], settings: &Settings) -> String {
    let fixed_header = if settings.mode == Mode::Write {
        "fixed"
    } else {
        "fixable"
    };
    let header = [
        "root",
        "files",
        "findings",
        fixed_header,
        "unsafe available",
        "skipped",
    ];
    let mut table: Vec<[String; 6]> = vec![header.map(String::from)];
    for r in rows {
        let skipped = if r.skipped.is_empty() {
            "-".to_string()
        } else {
            r.skipped
                .iter()
                .map(|(k, v)| format!("{v} {k}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        table.push([
            r.root.clone(),
            r.files_scanned.to_string(),
            r.findings.to_string(),
            r.fixed.to_string(),
            r.unsafe_fixes_available.to_string(),
            skipped,
        ]);
    }
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                let pad = widths[c].saturating_sub(cell.chars().count());
                // Text left, numbers right.
                if c == 0 || c == 5 {
                    format!("{cell}{}", " ".repeat(pad))
                } else {
                    format!("{}{cell}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_reasons_are_grouped() {
        assert_eq!(
            skip_reason("syntax error at 3:1; file left untouched"),
            "syntax error"
        );
        assert_eq!(
            skip_reason("has uncommitted changes; not rewritten"),
            "uncommitted changes"
        );
        assert_eq!(skip_reason("not valid UTF-8 (byte offset 3)"), "encoding");
        assert_eq!(skip_reason("Permission denied"), "unreadable");
    }

    #[test]
    fn table_aligns_columns() {
        let rows = vec![RootSummary {
            root: "repo-a".into(),
            config: None,
            files_scanned: 120,
            findings: 3,
            fixed: 2,
            unsafe_fixes_available: 1,
            skipped: [("syntax error".to_string(), 1)].into_iter().collect(),
        }];
        let t = per_root_table(&rows, &Settings::default());
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(
            lines[0],
            "root    files  findings  fixable  unsafe available  skipped"
        );
        assert_eq!(
            lines[1],
            "repo-a    120         3        2                 1  1 syntax error"
        );
    }
}
