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
    pub fixable: usize,
    pub unsafe_fixable: usize,
    pub fixes_applied: usize,
    pub files_changed: usize,
    pub files_written: usize,
    pub errors: usize,
}

pub fn totals(run: &Run) -> Totals {
    let mut t = Totals {
        errors: run.errors.len(),
        ..Totals::default()
    };
    for f in &run.files {
        t.findings += f.findings.len();
        for finding in &f.findings {
            match finding.fix.as_ref().map(|x| x.applicability) {
                Some(Applicability::Safe) => t.fixable += 1,
                Some(Applicability::Unsafe) => t.unsafe_fixable += 1,
                _ => {}
            }
        }
        t.fixes_applied += f.fixes_applied;
        t.files_changed += usize::from(f.fixed.is_some());
        t.files_written += usize::from(f.written);
        t.errors += usize::from(f.error.is_some());
    }
    t
}

/// The closing line(s) for people.
pub fn summary(run: &Run, settings: &Settings) -> String {
    let t = totals(run);
    let mut lines = Vec::new();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let left = t.findings.saturating_sub(
        t.fixable
            + if settings.unsafe_fixes {
                t.unsafe_fixable
            } else {
                0
            },
    );
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
                + if settings.unsafe_fixes {
                    t.unsafe_fixable
                } else {
                    0
                }
        )),
        Mode::Check => {}
    }
    lines.push(head);
    if t.unsafe_fixable > 0 && !settings.unsafe_fixes {
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
    let t = totals(run);
    if t.errors > 0 {
        EXIT_ERROR
    } else if settings.mode == Mode::Check && t.findings > 0 {
        EXIT_FOUND
    } else {
        EXIT_CLEAN
    }
}
