//! Command-line flags, turned once into a validated `Settings`.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::rules::{Rule, ALL};
use crate::settings::{Mode, OutputFormat, Settings};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Rewrite callables handed to Python process pools so they pickle.
///
/// Finds bound methods, lambdas and local functions passed to ProcessPoolExecutor,
/// multiprocessing.Pool, Process(target=...), initializer= and run_in_executor, and moves
/// stateless methods to module-level functions. Without --write it only shows the diff.
#[derive(Debug, Parser)]
#[command(name = "picklefix", version, about, long_about)]
#[command(
    after_help = "Exit status: 0 clean (a dry run with diffs is clean too), 1 --check found something, \
2 a usage error or a file that could not be read, parsed or written (after everything else ran)."
)]
pub struct Args {
    /// Files or folders to check (default: the current folder).
    pub paths: Vec<PathBuf>,

    /// Apply safe fixes in place (atomic writes, permissions kept).
    #[arg(long, conflicts_with = "check")]
    pub write: bool,

    /// Also apply fixes that may change behaviour (with --write), or show them (dry run).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Exit 1 if anything is found; never writes (for CI).
    #[arg(long)]
    pub check: bool,

    /// Show the diff (default in a dry run; with --write, shows what was written).
    #[arg(long, overrides_with = "no_diff")]
    pub diff: bool,

    /// Don't show diffs.
    #[arg(long, overrides_with = "diff")]
    pub no_diff: bool,

    /// How findings are printed on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub output_format: FormatArg,

    /// Only these rules (comma-separated codes, e.g. PF001,PF100).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules (comma-separated codes).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Skip paths matching this glob (gitignore syntax); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Number of threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Print only diffs and errors: no findings, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// When to colour the output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,

    /// Print a rule's rationale and example (e.g. PF001) and exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,

    /// Parse every file, even those that name no pool (for debugging the prefilter).
    #[arg(long, hide = true)]
    pub no_prefilter: bool,
}

fn parse_rules(codes: &[String]) -> Result<Vec<Rule>, String> {
    codes
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            let c = c.trim();
            if c.eq_ignore_ascii_case("ALL") {
                return Ok(None);
            }
            Rule::from_code(c).map(Some).ok_or_else(|| {
                let known: Vec<&str> = ALL.iter().map(|r| r.code()).collect();
                format!("unknown rule code `{c}` (known: {})", known.join(", "))
            })
        })
        .collect::<Result<Vec<Option<Rule>>, String>>()
        .map(|v| {
            if v.iter().any(|r| r.is_none()) {
                ALL.to_vec()
            } else {
                v.into_iter().flatten().collect()
            }
        })
}

impl Args {
    pub fn into_settings(self) -> Result<Settings, String> {
        let mut rules: BTreeSet<Rule> = if self.select.is_empty() {
            ALL.iter()
                .copied()
                .filter(|r| r.default_enabled())
                .collect()
        } else {
            parse_rules(&self.select)?.into_iter().collect()
        };
        for r in parse_rules(&self.ignore)? {
            rules.remove(&r);
        }
        let mode = if self.write {
            Mode::Write
        } else if self.check {
            Mode::Check
        } else {
            Mode::DryRun
        };
        let show_diff = match (self.diff, self.no_diff) {
            (true, _) => true,
            (_, true) => false,
            _ => mode == Mode::DryRun,
        };
        if self.jobs == Some(0) {
            return Err("--jobs must be at least 1".to_string());
        }
        let color = match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ok(Settings {
            paths: if self.paths.is_empty() {
                vec![PathBuf::from(".")]
            } else {
                self.paths
            },
            mode,
            unsafe_fixes: self.unsafe_fixes,
            show_diff,
            format: match self.output_format {
                FormatArg::Text => OutputFormat::Text,
                FormatArg::Json => OutputFormat::Json,
            },
            rules,
            exclude: self.exclude,
            jobs: self.jobs,
            quiet: self.quiet,
            color,
            prefilter: !self.no_prefilter,
            ..Settings::default()
        })
    }
}
