//! The validated configuration every later stage reads. Built once by `cli.rs`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::edit::Applicability;
use crate::rules::{Rule, ALL};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Show what would change (default).
    DryRun,
    /// Apply fixes in place.
    Write,
    /// Exit 1 when anything is found; never write.
    Check,
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
    pub jobs: Option<usize>,
    pub quiet: bool,
    pub color: bool,
    /// Skip files whose bytes cannot match before parsing (tests turn it off to compare).
    pub prefilter: bool,
    pub max_file_bytes: u64,
    /// `--write` refuses files with uncommitted git changes unless this is set.
    pub allow_dirty: bool,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Print the per-root summary instead of findings.
    pub statistics: bool,
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
    pub unsafe_fixes: bool,
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
            jobs: None,
            quiet: false,
            color: false,
            prefilter: true,
            max_file_bytes: 10 * 1024 * 1024,
            allow_dirty: false,
            progress: false,
            statistics: false,
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
                unsafe_fixes: self.unsafe_fixes,
            })
            .collect()
    }

    /// These settings as seen from one root: its rules, excludes and unsafe-fixes choice.
    pub fn for_root(&self, root: &RootSettings) -> Settings {
        Settings {
            paths: vec![root.path.clone()],
            rules: root.rules.clone(),
            exclude: root.exclude.clone(),
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
