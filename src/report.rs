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
    /// Findings with a safe fix (`--write` applies them).
    pub safe_fixable: usize,
    /// Findings with an unsafe fix that this run's settings apply (flag or configuration).
    pub unsafe_enabled: usize,
    /// Of those, the ones enabled by a configuration file rather than `--unsafe-fixes`.
    pub unsafe_enabled_by_config: usize,
    /// Findings with an unsafe fix that only `--unsafe-fixes` applies.
    pub unsafe_disabled: usize,
    pub fixes_applied: usize,
    pub files_changed: usize,
    pub files_written: usize,
    pub errors: usize,
}

impl Totals {
    /// Findings whose fix applies in this run.
    pub fn fixable(&self) -> usize {
        self.safe_fixable + self.unsafe_enabled
    }
}

pub fn totals(run: &Run, settings: &Settings) -> Totals {
    let mut t = Totals {
        errors: run.errors.len(),
        ..Totals::default()
    };
    for f in &run.files {
        // Each root decides (configuration or flag) whether its unsafe fixes apply.
        let root = run.roots.get(f.root);
        let unsafe_on = root.map_or(settings.unsafe_fixes, |r| r.unsafe_fixes);
        let by_config = root.is_some_and(|r| r.unsafe_fixes_from_config);
        t.findings += f.findings.len();
        for finding in &f.findings {
            match finding.fix.as_ref().map(|x| x.applicability) {
                Some(Applicability::Safe) => t.safe_fixable += 1,
                Some(Applicability::Unsafe) if unsafe_on => {
                    t.unsafe_enabled += 1;
                    t.unsafe_enabled_by_config += usize::from(by_config);
                }
                Some(Applicability::Unsafe) => t.unsafe_disabled += 1,
                _ => {}
            }
        }
        // Under --write only what reached the disk counts as fixed.
        if !settings.mode.writes() || f.written {
            t.fixes_applied += f.fixes_applied;
        }
        t.files_changed += usize::from(f.fixed.is_some());
        t.files_written += usize::from(f.written);
        t.errors += usize::from(f.error.is_some());
    }
    t
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The closing line(s) for people. Safe and unsafe fixes are counted apart, each with the
/// flags that apply it.
pub fn summary(run: &Run, settings: &Settings) -> String {
    let t = totals(run, settings);
    if settings.mode == Mode::AddNoqa {
        return format!(
            "Added {} to {}",
            plural(t.fixes_applied, "noqa directive", "noqa directives"),
            plural(t.files_written, "file", "files")
        );
    }
    let mut lines = Vec::new();
    let left = t
        .findings
        .saturating_sub(t.safe_fixable + t.unsafe_enabled + t.unsafe_disabled);
    let mut head = format!(
        "{} in {} scanned",
        plural(t.findings, "finding", "findings"),
        plural(run.scanned, "file", "files")
    );
    let writing = settings.mode == Mode::Write;
    match settings.mode {
        Mode::Write => head.push_str(&format!(
            "; fixed {} in {}",
            plural(t.fixes_applied, "finding", "findings"),
            plural(t.files_written, "file", "files")
        )),
        Mode::DryRun => head.push_str(&format!(
            "; {} would change",
            plural(t.files_changed, "file", "files")
        )),
        Mode::Check | Mode::AddNoqa => {}
    }
    lines.push(head);
    if !writing && t.safe_fixable > 0 {
        lines.push(format!(
            "{}: apply with --write",
            plural(t.safe_fixable, "safe fix", "safe fixes")
        ));
    }
    if !writing && t.unsafe_enabled > 0 {
        // Enabled by a configuration file: --write alone applies them.
        let flags = if t.unsafe_enabled_by_config == t.unsafe_enabled {
            "--write (unsafe-fixes is on in the configuration)"
        } else {
            "--write --unsafe-fixes"
        };
        lines.push(format!(
            "{}: apply with {flags}",
            plural(t.unsafe_enabled, "unsafe fix", "unsafe fixes")
        ));
    }
    if t.unsafe_disabled > 0 {
        let what = if writing {
            plural(t.unsafe_disabled, "unsafe fix was", "unsafe fixes were") + " not applied"
        } else {
            plural(t.unsafe_disabled, "unsafe fix", "unsafe fixes")
        };
        lines.push(format!("{what}: apply with --write --unsafe-fixes"));
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

/// 2 when something could not be processed; 1 when `--check` found something, `--diff`
/// would change a file, or `--exit-non-zero-on-fix` and `--write` changed one (unless
/// `--exit-zero`); else 0.
pub fn exit_code(run: &Run, settings: &Settings) -> i32 {
    let t = totals(run, settings);
    let found = settings.mode == Mode::Check && t.findings > 0;
    let would_change = settings.exit_on_change && t.files_changed > 0;
    let changed = settings.exit_non_zero_on_fix && t.files_written > 0;
    if t.errors > 0 {
        EXIT_ERROR
    } else if !settings.exit_zero && (found || would_change || changed) {
        EXIT_FOUND
    } else {
        EXIT_CLEAN
    }
}

/// One row of `--statistics`: how often a rule was found, and how much of it is fixable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleStatistics {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
    /// Every finding of the rule has a fix that applies in this run (ruff's meaning).
    pub fixable: bool,
    pub fixable_count: usize,
}

/// Per-rule counts, most frequent first (ties by code), as ruff's `--statistics`.
pub fn rule_statistics(run: &Run, settings: &Settings) -> Vec<RuleStatistics> {
    let mut rows: Vec<RuleStatistics> = Vec::new();
    for f in &run.files {
        let unsafe_on = run
            .roots
            .get(f.root)
            .map_or(settings.unsafe_fixes, |r| r.unsafe_fixes);
        for finding in &f.findings {
            let fixable = match finding.fix.as_ref().map(|x| x.applicability) {
                Some(Applicability::Safe) => true,
                Some(Applicability::Unsafe) => unsafe_on,
                _ => false,
            };
            let code = finding.rule.code();
            let row = match rows.iter_mut().position(|r| r.code == code) {
                Some(i) => &mut rows[i],
                None => {
                    rows.push(RuleStatistics {
                        code,
                        name: finding.rule.name(),
                        count: 0,
                        fixable: false,
                        fixable_count: 0,
                    });
                    let last = rows.len() - 1;
                    &mut rows[last]
                }
            };
            row.count += 1;
            row.fixable_count += usize::from(fixable);
        }
    }
    for r in &mut rows {
        r.fixable = r.fixable_count == r.count;
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    rows
}

/// The `--statistics` table: `count<TAB>code<TAB>[*] name` in flake8's and ruff's layout
/// (`[*]` all fixable, `[-]` some, `[ ]` none; no column when nothing is fixable).
pub fn rule_statistics_table(rows: &[RuleStatistics]) -> String {
    let count_width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = rows.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let any_fixable = rows.iter().any(|r| r.fixable_count > 0);
    let mut out = String::new();
    for r in rows {
        let mark = match (any_fixable, r.fixable, r.fixable_count > 0) {
            (false, _, _) => "",
            (true, true, _) => "[*] ",
            (true, false, true) => "[-] ",
            (true, false, false) => "[ ] ",
        };
        out.push_str(&format!(
            "{:>count_width$}\t{:<code_width$}\t{mark}{}\n",
            r.count, r.code, r.name
        ));
    }
    out
}

/// `--show-settings`: what each root runs with, and where it came from.
pub fn settings_report(settings: &Settings) -> String {
    let mode = match settings.mode {
        Mode::DryRun => "dry run (show what would change)",
        Mode::Write => "write (apply fixes)",
        Mode::Check => "check (exit 1 on findings)",
        Mode::AddNoqa => "add-noqa (add suppression comments)",
    };
    let mut out = String::new();
    for root in settings.roots() {
        let config = match &root.config {
            Some(p) => crate::render::display_path(p),
            None => "none (defaults)".to_string(),
        };
        let rules: Vec<&str> = root.rules.iter().map(|r| r.code()).collect();
        let mut exclude: Vec<String> = crate::discover::DEFAULT_EXCLUDES
            .iter()
            .map(|s| s.to_string())
            .collect();
        exclude.extend(root.exclude.iter().cloned());
        out.push_str(&format!(
            "root: {}\n",
            crate::render::display_path(&root.path)
        ));
        out.push_str(&format!("  configuration file: {config}\n"));
        if !settings.config_overrides.is_empty() {
            out.push_str(&format!(
                "  configuration overrides: {}\n",
                settings.config_overrides.join("; ")
            ));
        }
        out.push_str(&format!("  select: {}\n", rules.join(", ")));
        out.push_str(&format!("  exclude: {}\n", exclude.join(", ")));
        let unsafe_origin = if root.unsafe_fixes_from_config {
            " (from the configuration)"
        } else {
            ""
        };
        out.push_str(&format!(
            "  unsafe-fixes: {}{unsafe_origin}\n",
            root.unsafe_fixes
        ));
        out.push_str(&format!("  force-exclude: {}\n", settings.force_exclude));
        out.push_str(&format!("  mode: {mode}\n"));
        out.push_str(&format!(
            "  output-format: {}\n",
            crate::cli::format_name(settings.format)
        ));
    }
    out
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

/// How a failure is counted in the per-repository table: its reason, or `error`.
pub fn failure_label(failure: &crate::outcome::Failure) -> &'static str {
    failure.reason.map_or("error", |r| r.label())
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
        // Written fixes under --write; otherwise the findings whose fix would apply (a
        // check never plans the fixes, but `[*]` findings are fixable all the same).
        let counted_fixes = match settings.mode {
            Mode::Write | Mode::AddNoqa if f.written => f.fixes_applied,
            Mode::Write | Mode::AddNoqa => 0,
            _ => f
                .findings
                .iter()
                .filter(|x| {
                    x.fix.as_ref().is_some_and(|fix| {
                        fix.applicability == Applicability::Safe
                            || fix.applicability == Applicability::Unsafe && unsafe_on
                    })
                })
                .count(),
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
            *row.skipped.entry(failure_label(e).to_string()).or_default() += 1;
        }
    }
    for e in &run.errors {
        if let Some(row) = rows.get_mut(e.root) {
            *row.skipped
                .entry(failure_label(&e.failure).to_string())
                .or_default() += 1;
        }
    }
    rows
}

/// The per-repository table for people.
pub fn per_root_table(rows: &[RootSummary], settings: &Settings) -> String {
    let fixed_header = if settings.mode.writes() {
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
    fn failures_are_counted_by_reason() {
        use crate::outcome::{Failure, SkipReason};
        let syntax = Failure::skipped(SkipReason::SyntaxError, "syntax error at 3:1");
        assert_eq!(failure_label(&syntax), "syntax error");
        let dirty = Failure::skipped(SkipReason::Dirty, "has uncommitted changes");
        assert_eq!(failure_label(&dirty), "uncommitted changes");
        assert_eq!(failure_label(&Failure::error("a fix was refused")), "error");
    }

    #[test]
    fn statistics_table_in_ruff_layout() {
        let rows = vec![
            RuleStatistics {
                code: "PF001",
                name: "bound-method-to-process-pool",
                count: 12,
                fixable: false,
                fixable_count: 3,
            },
            RuleStatistics {
                code: "PF002",
                name: "lambda-to-process-pool",
                count: 2,
                fixable: true,
                fixable_count: 2,
            },
            RuleStatistics {
                code: "PF100",
                name: "unknown-pool-receiver",
                count: 1,
                fixable: false,
                fixable_count: 0,
            },
        ];
        assert_eq!(
            rule_statistics_table(&rows),
            "12\tPF001\t[-] bound-method-to-process-pool\n \
             2\tPF002\t[*] lambda-to-process-pool\n \
             1\tPF100\t[ ] unknown-pool-receiver\n"
        );
        let none = vec![RuleStatistics {
            fixable_count: 0,
            fixable: false,
            ..rows[0].clone()
        }];
        assert_eq!(
            rule_statistics_table(&none),
            "12\tPF001\tbound-method-to-process-pool\n"
        );
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
