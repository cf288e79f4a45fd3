//! What a finished run prints, and where: findings or tables on stdout (stderr when stdout
//! carries stdin's fixed source), diffs after text findings, nothing under `--silent`.
//! The renderers format; this module only chooses among them from the settings.

use std::io::Write;

use crate::edit::Applicability;
use crate::render::{diff, display_path, write_findings, Style};
use crate::report::{per_root, per_root_table, rule_statistics, rule_statistics_table};
use crate::settings::{OutputFormat, Settings, Verbosity};
use crate::{FileResult, Run};

/// `--show-files`: every file the run would read, one per line; `false` when a root
/// could not be walked.
pub fn print_files(settings: &Settings) -> bool {
    let roots: Vec<Settings> = settings
        .roots()
        .iter()
        .map(|r| settings.for_root(r))
        .collect();
    let found = crate::discover::discover(&roots);
    let mut out = std::io::stdout().lock();
    for c in &found.files {
        if writeln!(out, "{}", display_path(&c.path)).is_err() {
            break;
        }
    }
    for e in &found.errors {
        eprintln!("picklefix: {}: {}", display_path(&e.path), e.failure);
    }
    found.errors.is_empty()
}

/// The fixed stdin source (the input itself when nothing was fixed or it was skipped).
pub fn print_fixed_source(run: &Run, input: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let fixed = run.files.first().and_then(|f| {
        let source = f.source.as_ref()?;
        source.encode(f.fixed.as_ref()?).ok()
    });
    out.write_all(fixed.as_deref().unwrap_or(input))?;
    out.flush()
}

/// Findings, diffs or a statistics table, as the flags ask. `remaining_only`: stdin under
/// `--write`, where the fixed findings are already gone from the output source.
pub fn print_report(
    out: &mut impl Write,
    run: &Run,
    settings: &Settings,
    remaining_only: bool,
) -> std::io::Result<()> {
    if settings.verbosity == Verbosity::Silent {
        return Ok(());
    }
    let mut out = std::io::BufWriter::new(out);
    let json = settings.format == OutputFormat::Json;
    if settings.statistics {
        let rows = rule_statistics(run, settings);
        if json {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        } else {
            write!(out, "{}", rule_statistics_table(&rows))?;
        }
        return out.flush();
    }
    if settings.per_repository {
        let rows = per_root(run, settings);
        if json {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        } else {
            write!(out, "{}", per_root_table(&rows, settings))?;
        }
        return out.flush();
    }
    if settings.show_findings {
        if remaining_only {
            write_findings(&mut out, &without_applied_fixes(run, settings), settings)?;
        } else {
            write_findings(&mut out, run, settings)?;
        }
    }
    if settings.show_diff && settings.format.is_human() {
        let style = Style {
            color: settings.color,
        };
        for file in &run.files {
            let shown = !settings.mode.writes() || file.written;
            if let Some(d) = diff(file, &style).filter(|_| shown) {
                write!(out, "{d}")?;
            }
        }
    }
    out.flush()
}

/// The run with only the findings whose fix was not applied.
fn without_applied_fixes(run: &Run, settings: &Settings) -> Run {
    let files = run
        .files
        .iter()
        .map(|f| {
            // The file's root decides whether its unsafe fixes were applied.
            let min = match run.roots.get(f.root) {
                Some(root) => settings.for_root(root).min_applicability(),
                None => settings.min_applicability(),
            };
            (f, min)
        })
        .map(|(f, min)| FileResult {
            path: f.path.clone(),
            root: f.root,
            source: f.source.clone(),
            findings: f
                .findings
                .iter()
                .filter(|x| {
                    f.fixed.is_none()
                        || !x.fix.as_ref().is_some_and(|fix| {
                            fix.applicability >= min
                                && fix.applicability != Applicability::DisplayOnly
                        })
                })
                .cloned()
                .collect(),
            fixed: None,
            fixes_applied: 0,
            error: None,
            written: false,
        })
        .collect();
    Run {
        files,
        scanned: run.scanned,
        scanned_per_root: run.scanned_per_root.clone(),
        roots: run.roots.clone(),
        root_projects: run.root_projects.clone(),
        ..Run::default()
    }
}
