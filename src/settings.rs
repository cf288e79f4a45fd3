//! The validated configuration every later stage reads. Built once by `cli.rs`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::edit::Applicability;
use crate::rules::{Rule, ALL};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Finding lines, then diffs (the default).
    Text,
    /// One line per finding, no diffs.
    Concise,
    /// Findings grouped under their file's name.
    Grouped,
    Json,
    Sarif,
    /// GitHub Actions workflow commands (pull-request annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML.
    Junit,
}

impl OutputFormat {
    /// Formats meant for people: they get a summary on stderr and the statistics tables.
    pub fn is_human(self) -> bool {
        matches!(
            self,
            OutputFormat::Text | OutputFormat::Concise | OutputFormat::Grouped
        )
    }
}

/// How much is printed besides what was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Findings, diffs, summary, progress.
    Normal,
    /// Findings and diffs; no summary or progress (ruff's `-q`).
    Quiet,
    /// Nothing on stdout and no summary; errors still go to stderr (ruff's `-s`).
    Silent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Show what would change (default).
    DryRun,
    /// Apply fixes in place.
    Write,
    /// Exit 1 when anything is found; never write.
    Check,
    /// Add `# noqa: CODE` comments to the lines of findings (ruff's `--add-noqa`).
    AddNoqa,
}

impl Mode {
    /// Modes that may write files.
    pub fn writes(self) -> bool {
        matches!(self, Mode::Write | Mode::AddNoqa)
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub mode: Mode,
    pub unsafe_fixes: bool,
    pub show_diff: bool,
    pub format: OutputFormat,
    pub rules: BTreeSet<Rule>,
    pub exclude: Vec<String>,
    /// `exclude` with the folder each glob is relative to (see `RootSettings`).
    pub anchored_excludes: Vec<AnchoredGlob>,
    pub jobs: Option<usize>,
    pub verbosity: Verbosity,
    pub color: bool,
    /// Skip files whose bytes cannot match before parsing (tests turn it off to compare).
    pub prefilter: bool,
    pub max_file_bytes: u64,
    /// `--write` refuses files with uncommitted git changes unless this is set.
    pub allow_dirty: bool,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Print per-rule counts instead of findings.
    pub statistics: bool,
    /// Print the per-repository table instead of findings.
    pub per_repository: bool,
    /// Print findings (off for an explicit `--diff`, which prints only diffs).
    pub show_findings: bool,
    /// Exit 1 when a file would change (an explicit `--diff`).
    pub exit_on_change: bool,
    /// Exit 0 even when `--check` found something (errors still exit 2).
    pub exit_zero: bool,
    /// Exit 1 when `--write` changed a file.
    pub exit_non_zero_on_fix: bool,
    /// Apply excludes to paths named on the command line too.
    pub force_exclude: bool,
    /// Inline `--config` overrides, as given (for `--show-settings`).
    pub config_overrides: Vec<String>,
    /// Discovery lists the files excludes kept out (for `--report`).
    pub list_excluded: bool,
    /// `--report FILE`: the run's JSON document goes there.
    pub report: Option<PathBuf>,
    /// `--patch-dir DIR`: one patch per repository goes there.
    pub patch_dir: Option<PathBuf>,
    /// `--commit MESSAGE` (and `--branch`): commit what `--write` wrote, per repository.
    pub commit: Option<CommitPlan>,
    /// One entry per path, with its own configuration; empty means "derive from `paths`
    /// with the settings above" (library callers and tests).
    pub roots: Vec<RootSettings>,
}

/// What one root (command-line path) runs with, after its `pyproject.toml`.
#[derive(Debug, Clone)]
pub struct RootSettings {
    pub path: PathBuf,
    /// The `pyproject.toml` that configured it, if any.
    pub config: Option<PathBuf>,
    pub rules: BTreeSet<Rule>,
    pub exclude: Vec<String>,
    /// The same excludes, each with the folder it is relative to, for matching paths named
    /// on the command line under `--force-exclude`.
    pub anchored_excludes: Vec<AnchoredGlob>,
    pub unsafe_fixes: bool,
    /// Unsafe fixes were switched on by the configuration rather than `--unsafe-fixes`
    /// (then `--write` alone applies them).
    pub unsafe_fixes_from_config: bool,
}

/// `--commit MESSAGE [--branch NAME]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitPlan {
    pub message: String,
    /// Created from the current HEAD and committed on; `None`: the current branch.
    pub branch: Option<String>,
}

/// An exclude glob and the folder it is relative to (its config file's, or the current one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchoredGlob {
    pub base: PathBuf,
    pub glob: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            paths: vec![PathBuf::from(".")],
            mode: Mode::DryRun,
            unsafe_fixes: false,
            show_diff: true,
            format: OutputFormat::Text,
            rules: ALL
                .iter()
                .copied()
                .filter(|r| r.default_enabled())
                .collect(),
            exclude: Vec::new(),
            anchored_excludes: Vec::new(),
            jobs: None,
            verbosity: Verbosity::Normal,
            color: false,
            prefilter: true,
            max_file_bytes: 10 * 1024 * 1024,
            allow_dirty: false,
            progress: false,
            statistics: false,
            per_repository: false,
            show_findings: true,
            exit_on_change: false,
            exit_zero: false,
            exit_non_zero_on_fix: false,
            force_exclude: false,
            config_overrides: Vec::new(),
            list_excluded: false,
            report: None,
            patch_dir: None,
            commit: None,
            roots: Vec::new(),
        }
    }
}

impl Settings {
    /// The roots of this run, with their configuration.
    pub fn roots(&self) -> Vec<RootSettings> {
        if !self.roots.is_empty() {
            return self.roots.clone();
        }
        self.paths
            .iter()
            .map(|p| RootSettings {
                path: p.clone(),
                config: None,
                rules: self.rules.clone(),
                exclude: self.exclude.clone(),
                anchored_excludes: Vec::new(),
                unsafe_fixes: self.unsafe_fixes,
                unsafe_fixes_from_config: false,
            })
            .collect()
    }

    /// These settings as seen from one root: its rules, excludes and unsafe-fixes choice.
    pub fn for_root(&self, root: &RootSettings) -> Settings {
        Settings {
            paths: vec![root.path.clone()],
            rules: root.rules.clone(),
            exclude: root.exclude.clone(),
            anchored_excludes: root.anchored_excludes.clone(),
            unsafe_fixes: root.unsafe_fixes,
            roots: Vec::new(),
            ..self.clone()
        }
    }

    /// The least sure fix we apply.
    pub fn min_applicability(&self) -> Applicability {
        if self.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        }
    }
}
