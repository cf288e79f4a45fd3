//! What happened to each file, in words a machine can read: the reason a file was skipped is
//! decided where it is skipped (a `Failure` carries it), and a file's `Status` is derived
//! from its result in one place, never from the text of a message.

use std::fmt;

use crate::edit::Applicability;
use crate::settings::{Mode, Settings};
use crate::FileResult;

/// Why a file was left alone although it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// Uncommitted git changes (see `--allow-dirty`).
    Dirty,
    /// Python that tree-sitter or CPython's grammar rejects.
    SyntaxError,
    /// Not valid in its declared encoding, or binary.
    Encoding,
    /// Over `--max-file-size`.
    TooLarge,
    /// Could not be read or written for lack of permission (a read-only file).
    Permission,
    /// Someone changed it between our read and our write.
    ChangedDuringRun,
    /// Kept out by an `exclude` glob (command line or configuration) or `--force-exclude`.
    Excluded,
}

impl SkipReason {
    pub const ALL: [SkipReason; 7] = [
        SkipReason::Dirty,
        SkipReason::SyntaxError,
        SkipReason::Encoding,
        SkipReason::TooLarge,
        SkipReason::Permission,
        SkipReason::ChangedDuringRun,
        SkipReason::Excluded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Dirty => "dirty",
            SkipReason::SyntaxError => "syntax-error",
            SkipReason::Encoding => "encoding",
            SkipReason::TooLarge => "too-large",
            SkipReason::Permission => "permission",
            SkipReason::ChangedDuringRun => "changed-during-run",
            SkipReason::Excluded => "excluded",
        }
    }

    /// The words of the per-repository table.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Dirty => "uncommitted changes",
            SkipReason::SyntaxError => "syntax error",
            SkipReason::Encoding => "encoding",
            SkipReason::TooLarge => "too large",
            SkipReason::Permission => "permission",
            SkipReason::ChangedDuringRun => "changed during the run",
            SkipReason::Excluded => "excluded",
        }
    }
}

/// A file (or a root) that could not be handled: the message for people, and the reason
/// for machines (`None`: an error with no more specific reason, such as a rejected fix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub reason: Option<SkipReason>,
    pub message: String,
}

impl Failure {
    pub fn skipped(reason: SkipReason, message: impl Into<String>) -> Failure {
        Failure {
            reason: Some(reason),
            message: message.into(),
        }
    }

    pub fn error(message: impl Into<String>) -> Failure {
        Failure {
            reason: None,
            message: message.into(),
        }
    }

    /// An I/O error, with its kind deciding the reason.
    pub fn io(e: &std::io::Error) -> Failure {
        let message = crate::discover::io_message(e);
        match e.kind() {
            std::io::ErrorKind::PermissionDenied => {
                Failure::skipped(SkipReason::Permission, message)
            }
            _ => Failure::error(message),
        }
    }

    /// `skipped` or `error`, as the report and the table name it.
    pub fn status(&self) -> Status {
        self.reason.map_or(Status::Error, Status::Skipped)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The outcome of one file in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Read and nothing to change (or nothing this run applies).
    Unchanged,
    /// Written with fixes (`--write`, `--add-noqa`).
    Fixed,
    /// A dry run or check found fixes that `--write` would apply.
    WouldFix,
    Skipped(SkipReason),
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Fixed => "fixed",
            Status::WouldFix => "would-fix",
            Status::Skipped(_) => "skipped",
            Status::Error => "error",
        }
    }
}

impl FileResult {
    /// The file's status under `settings` (its root's: they decide which fixes apply).
    /// A failure wins over a partial write (a later fix pass refused after earlier ones were
    /// written): the report still says `written`.
    pub fn status(&self, settings: &Settings) -> Status {
        if let Some(failure) = &self.error {
            return failure.status();
        }
        if self.written {
            return Status::Fixed;
        }
        let would = match settings.mode {
            Mode::Write | Mode::AddNoqa => false,
            Mode::DryRun => self.fixed.is_some(),
            // A check does not plan fixes (unless it shows diffs): a fix that applies counts.
            Mode::Check => self.fixed.is_some() || self.has_applicable_fix(settings),
        };
        if would {
            Status::WouldFix
        } else {
            Status::Unchanged
        }
    }

    /// A finding whose fix this run's settings apply.
    pub fn has_applicable_fix(&self, settings: &Settings) -> bool {
        let min = settings.min_applicability();
        self.findings.iter().any(|f| {
            f.fix.as_ref().is_some_and(|fix| {
                fix.applicability >= min && fix.applicability != Applicability::DisplayOnly
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_classified_by_kind() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(
            Failure::io(&denied).status(),
            Status::Skipped(SkipReason::Permission)
        );
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(Failure::io(&missing).status(), Status::Error);
        assert_eq!(
            Failure::io(&missing).to_string(),
            "No such file or directory"
        );
    }

    #[test]
    fn reasons_have_distinct_names() {
        let names: std::collections::BTreeSet<&str> =
            SkipReason::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(names.len(), SkipReason::ALL.len());
    }
}
