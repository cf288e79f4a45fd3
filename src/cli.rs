//! Command-line flags, turned once into a validated `Settings`.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Parser, ValueEnum};

use crate::config::{find_config, FileConfig};
use crate::rules::{Rule, ALL};
use crate::settings::{Mode, OutputFormat, RootSettings, Settings};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
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
    #[arg(long, overrides_with = "no_unsafe_fixes")]
    pub unsafe_fixes: bool,

    /// Don't apply unsafe fixes, even if pyproject.toml enables them.
    #[arg(long, overrides_with = "unsafe_fixes")]
    pub no_unsafe_fixes: bool,

    /// With --write, also rewrite files that have uncommitted git changes.
    #[arg(long)]
    pub allow_dirty: bool,

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

    /// Print the per-root summary (files, findings, fixed, skipped) instead of findings;
    /// as JSON with --output-format json.
    #[arg(long)]
    pub statistics: bool,

    /// Skip (and report) files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_file_size: u64,

    /// Don't show a progress bar (it is only drawn when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,

    /// Print a shell completion script and exit.
    #[arg(long, value_enum, value_name = "SHELL")]
    pub completions: Option<clap_complete::Shell>,

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
        let cli_select: Option<Vec<Rule>> = if self.select.is_empty() {
            None
        } else {
            Some(parse_rules(&self.select)?)
        };
        let cli_ignore = parse_rules(&self.ignore)?;
        let cli_unsafe = match (self.unsafe_fixes, self.no_unsafe_fixes) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
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
        let paths = if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths
        };
        let defaults = resolve_rules(cli_select.as_deref(), &cli_ignore, None)?;
        let mut roots = Vec::new();
        for path in &paths {
            // A missing path is reported by discovery, with the other files processed.
            let found = if path.exists() {
                find_config(path)?
            } else {
                None
            };
            let (config_path, config) = match found {
                Some((p, c)) => (Some(p), c),
                None => (None, FileConfig::default()),
            };
            let mut exclude = self.exclude.clone();
            if let (Some(cp), Some(globs)) = (&config_path, &config.exclude) {
                let base = cp.parent().unwrap_or(Path::new("."));
                exclude.extend(globs.iter().filter_map(|g| rebase_glob(g, base, path)));
            }
            let rules =
                resolve_rules(cli_select.as_deref(), &cli_ignore, Some(&config)).map_err(|e| {
                    match &config_path {
                        Some(p) => format!("{}: {e}", p.display()),
                        None => e,
                    }
                })?;
            roots.push(RootSettings {
                path: path.clone(),
                config: config_path,
                rules,
                exclude,
                unsafe_fixes: cli_unsafe.or(config.unsafe_fixes).unwrap_or(false),
            });
        }
        Ok(Settings {
            paths,
            mode,
            unsafe_fixes: cli_unsafe.unwrap_or(false),
            show_diff,
            format: match self.output_format {
                FormatArg::Text => OutputFormat::Text,
                FormatArg::Json => OutputFormat::Json,
                FormatArg::Sarif => OutputFormat::Sarif,
            },
            rules: defaults,
            exclude: self.exclude,
            jobs: self.jobs,
            quiet: self.quiet,
            color,
            prefilter: !self.no_prefilter,
            allow_dirty: self.allow_dirty,
            progress: !self.no_progress && !self.quiet,
            statistics: self.statistics,
            max_file_bytes: self.max_file_size,
            roots,
        })
    }
}

/// Flags win over `pyproject.toml`: `--select` replaces the file's `select`, and a rule the
/// command line selects is not taken away by the file's `ignore`; `--ignore` always applies.
fn resolve_rules(
    cli_select: Option<&[Rule]>,
    cli_ignore: &[Rule],
    config: Option<&FileConfig>,
) -> Result<BTreeSet<Rule>, String> {
    let config_select = match config.and_then(|c| c.select.as_ref()) {
        Some(codes) => Some(parse_rules(codes)?),
        None => None,
    };
    let config_ignore = match config.and_then(|c| c.ignore.as_ref()) {
        Some(codes) => parse_rules(codes)?,
        None => Vec::new(),
    };
    let mut rules: BTreeSet<Rule> = match (cli_select, &config_select) {
        (Some(s), _) => s.iter().copied().collect(),
        (None, Some(s)) => s.iter().copied().collect(),
        (None, None) => ALL
            .iter()
            .copied()
            .filter(|r| r.default_enabled())
            .collect(),
    };
    for r in config_ignore {
        if !cli_select.is_some_and(|s| s.contains(&r)) {
            rules.remove(&r);
        }
    }
    for r in cli_ignore {
        rules.remove(r);
    }
    Ok(rules)
}

/// A config `exclude` glob is relative to its `pyproject.toml`; discovery anchors globs at
/// the walked root. Unanchored globs (`*.gen.py`, `build/`) mean the same anywhere; an
/// anchored one is re-expressed from the root, or dropped if it points outside it.
fn rebase_glob(glob: &str, base: &Path, root: &Path) -> Option<String> {
    let trimmed = glob.trim_end_matches('/');
    let anchored = glob.starts_with('/') || trimmed.contains('/');
    if !anchored {
        return Some(glob.to_string());
    }
    let root = std::fs::canonicalize(root).ok()?;
    let base = std::fs::canonicalize(base).ok()?;
    let rel = root.strip_prefix(&base).ok()?;
    let glob = glob.trim_start_matches('/');
    // A leading `/` keeps the rebased glob anchored at the walked root.
    if rel.as_os_str().is_empty() {
        return Some(format!("/{glob}"));
    }
    let prefix = format!("{}/", rel.to_string_lossy().replace('\\', "/"));
    glob.strip_prefix(&prefix).map(|g| format!("/{g}"))
}

/// Write the completion script for `shell` to stdout.
pub fn print_completions(shell: clap_complete::Shell) {
    let mut cmd = <Args as clap::CommandFactory>::command();
    clap_complete::generate(shell, &mut cmd, "picklefix", &mut std::io::stdout());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_wins_over_config() {
        let config = FileConfig {
            select: Some(vec!["PF001".into(), "PF100".into()]),
            ignore: Some(vec!["PF100".into()]),
            ..FileConfig::default()
        };
        let r = resolve_rules(None, &[], Some(&config)).unwrap();
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Rule::BoundMethod]);
        let r = resolve_rules(Some(&[Rule::UnknownPool]), &[], Some(&config)).unwrap();
        assert_eq!(r.into_iter().collect::<Vec<_>>(), vec![Rule::UnknownPool]);
        let r = resolve_rules(None, &[Rule::BoundMethod], Some(&config)).unwrap();
        assert!(r.is_empty());
        assert!(resolve_rules(
            None,
            &[],
            Some(&FileConfig {
                select: Some(vec!["X1".into()]),
                ..FileConfig::default()
            })
        )
        .is_err());
    }

    #[test]
    fn config_globs_are_rebased_on_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(
            rebase_glob("*.gen.py", dir.path(), &sub).as_deref(),
            Some("*.gen.py")
        );
        assert_eq!(
            rebase_glob("sub/gen/*", dir.path(), &sub).as_deref(),
            Some("/gen/*")
        );
        assert_eq!(
            rebase_glob("sub/gen", dir.path(), &sub).as_deref(),
            Some("/gen")
        );
        assert_eq!(
            rebase_glob("/gen", dir.path(), dir.path()).as_deref(),
            Some("/gen")
        );
        assert_eq!(rebase_glob("/other/*", dir.path(), &sub), None);
        assert_eq!(
            rebase_glob("gen/*", dir.path(), dir.path()).as_deref(),
            Some("/gen/*")
        );
    }
}
