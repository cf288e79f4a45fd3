//! Turning a finished run into text for people (findings, diffs) or documents for tools.
//! Renderers never decide anything; they print what the run holds. One file per format.

mod github;
mod gitlab;
mod json;
mod junit;
mod run_report;
mod sarif;
mod text;

use std::io::Write;
use std::path::{Component, Path, PathBuf};

pub use github::write_github;
pub use gitlab::{gitlab, write_gitlab};
pub use json::{finding_json, json_findings, write_json};
pub use junit::write_junit;
pub use run_report::{run_report, REPORT_VERSION};
pub use sarif::{sarif, write_sarif};
pub use text::{diff, diff_named, finding_line, write_concise, write_grouped};

use crate::check::Finding;
use crate::settings::{OutputFormat, Settings};
use crate::{FileResult, Run};

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// The findings of `run` in `format` (diffs are the caller's: they follow text findings).
pub fn write_findings(out: &mut impl Write, run: &Run, settings: &Settings) -> std::io::Result<()> {
    let style = Style {
        color: settings.color,
    };
    match settings.format {
        OutputFormat::Text | OutputFormat::Concise => write_concise(out, run, &style),
        OutputFormat::Grouped => write_grouped(out, run, &style),
        OutputFormat::Json => write_json(out, run),
        OutputFormat::Sarif => write_sarif(out, run),
        OutputFormat::Github => write_github(out, run),
        OutputFormat::Gitlab => write_gitlab(out, run),
        OutputFormat::Junit => write_junit(out, run),
    }
}

/// How a path is shown to people and in patches: relative to the current folder, without
/// `./` (so `git apply` and `patch -p1` accept the diff headers); paths outside the current
/// folder stay as they are.
pub fn display_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "-".to_string();
    }
    let relative = if path.is_absolute() {
        relative_to_cwd(path).unwrap_or_else(|| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let cleaned: PathBuf = relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if cleaned.as_os_str().is_empty() {
        return ".".to_string();
    }
    cleaned.to_string_lossy().replace('\\', "/")
}

fn relative_to_cwd(path: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    if let Ok(rel) = path.strip_prefix(&cwd) {
        return Some(rel.to_path_buf());
    }
    // The current folder may be reached through a symlink (`/tmp` → `/private/tmp`).
    let real = std::fs::canonicalize(&cwd).ok()?;
    path.strip_prefix(&real).ok().map(Path::to_path_buf)
}

/// Text, 1-based row and column of a finding's start and end.
struct Located<'a> {
    file: &'a FileResult,
    finding: &'a Finding,
    start: (usize, usize),
    end: (usize, usize),
}

/// Every finding of the run with its positions, in file order.
fn located(run: &Run) -> impl Iterator<Item = Located<'_>> {
    run.files.iter().flat_map(|file| {
        file.findings.iter().map(move |finding| Located {
            file,
            finding,
            start: file.row_col(finding.range.start),
            end: file.row_col(finding.range.end),
        })
    })
}

/// The message with the reason no fix is offered, when there is one.
fn full_message(f: &Finding) -> String {
    match &f.reason {
        Some(reason) => format!("{} (not fixed: {reason})", f.message),
        None => f.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_relative_without_dot() {
        assert_eq!(display_path(Path::new("./a/b.py")), "a/b.py");
        assert_eq!(display_path(Path::new("a/./b.py")), "a/b.py");
        assert_eq!(display_path(Path::new("-")), "-");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(display_path(&cwd.join("x/y.py")), "x/y.py");
        assert_eq!(
            display_path(Path::new("/elsewhere/y.py")),
            "/elsewhere/y.py"
        );
    }
}
