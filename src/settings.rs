//! The validated configuration every later stage reads. Built once by `cli.rs`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::edit::Applicability;
use crate::rules::{Rule, ALL};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Text,
    Json,
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
        }
    }
}

impl Settings {
    /// The least sure fix we apply.
    pub fn min_applicability(&self) -> Applicability {
        if self.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        }
    }
}
