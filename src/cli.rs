//! Command-line flags, turned once into a validated `Settings`.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Parser, ValueEnum};

use crate::config::{find_config, parse_inline, read_config_file, FileConfig};
use crate::rules::{Rule, ALL};
use crate::settings::{
    AnchoredGlob, CommitPlan, Mode, OutputFormat, RootSettings, Settings, Verbosity,
};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Finding lines, then diffs.
    Text,
    /// One line per finding (`path:row:col: CODE message`), no diffs.
    Concise,
    /// Findings grouped under their file's name.
    Grouped,
    /// A list of findings in ruff's JSON shape.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions annotations.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// JUnit XML.
    Junit,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Run the language server (LSP over stdin/stdout) for editors.
    Server,
}

/// Rewrite callables handed to Python process pools so they pickle.
///
/// Finds bound methods, lambdas and local functions passed to ProcessPoolExecutor,
/// multiprocessing.Pool, Process(target=...), initializer= and run_in_executor, and moves
/// stateless methods to module-level functions. Without --write it only shows the diff.
#[derive(Debug, Parser)]
#[command(name = "picklefix", version, about, long_about)]
// `picklefix --check server` checks a folder named `server`: only a bare `picklefix server`
// starts the language server.
#[command(args_conflicts_with_subcommands = true)]
#[command(
    after_help = "Exit status: 0 clean (a dry run with diffs is clean too), 1 --check found something \
(or --diff would change a file, or --exit-non-zero-on-fix and --write changed one), 2 a usage error or a \
file that could not be read, parsed or written (after everything else ran)."
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or folders to check, or `-` to read from stdin (default: the current folder);
    /// `@FILE` reads one path per line from FILE (blank lines and `#` comments skipped).
    pub paths: Vec<PathBuf>,

    /// Apply safe fixes in place (atomic writes, permissions kept).
    #[arg(long, conflicts_with_all = ["check", "diff"])]
    pub write: bool,

    /// Also apply fixes that may change behaviour (with --write), or show them (dry run).
    #[arg(long, overrides_with = "no_unsafe_fixes")]
    pub unsafe_fixes: bool,

    /// Don't apply unsafe fixes, even if the configuration enables them.
    #[arg(long, overrides_with = "unsafe_fixes")]
    pub no_unsafe_fixes: bool,

    /// With --write or --add-noqa, also rewrite files that have uncommitted git changes.
    #[arg(long)]
    pub allow_dirty: bool,

    /// Exit 1 if anything is found; never writes (for CI).
    #[arg(long)]
    pub check: bool,

    /// Never write; print only the diff of each file that would change, and exit 1 if any would.
    #[arg(long, overrides_with = "no_diff")]
    pub diff: bool,

    /// Don't show diffs.
    #[arg(long, overrides_with = "diff")]
    pub no_diff: bool,

    /// Add `# noqa: CODE` to the line of every finding (a baseline before gating CI).
    #[arg(long, conflicts_with_all = ["write", "check", "diff", "statistics", "per_repository", "stdin_filename"])]
    pub add_noqa: bool,

    /// How findings are printed on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub output_format: FormatArg,

    /// Print how often each rule was found (and how much of it is fixable) instead of
    /// findings; JSON with --output-format json.
    #[arg(long, conflicts_with = "diff")]
    pub statistics: bool,

    /// Print the per-repository table (files, findings, fixed, skipped) instead of findings;
    /// JSON with --output-format json.
    #[arg(long, conflicts_with_all = ["diff", "statistics"])]
    pub per_repository: bool,

    /// Only these rules (comma-separated codes, e.g. PF001,PF100).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,

    /// Skip these rules (comma-separated codes).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Skip paths matching this glob (gitignore syntax); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Apply the excludes to paths named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,

    /// A configuration file (a pyproject.toml, or a picklefix.toml with the keys at top
    /// level) used for every path instead of the nearest pyproject.toml, or one `KEY = VALUE`
    /// override (e.g. "unsafe-fixes = true"); repeatable, overrides win over files.
    #[arg(long, value_name = "CONFIG_OPTION")]
    pub config: Vec<String>,

    /// Ignore all configuration files (inline --config overrides still apply).
    #[arg(long)]
    pub isolated: bool,

    /// The name of the file read from stdin (`-`): for its configuration, excludes and
    /// messages. With --write the fixed source goes to stdout.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Exit 0 even when findings are reported (errors still exit 2).
    #[arg(long, short = 'e', conflicts_with = "exit_non_zero_on_fix")]
    pub exit_zero: bool,

    /// Exit 1 if --write changed any file, even when no finding remains.
    #[arg(long)]
    pub exit_non_zero_on_fix: bool,

    /// Print the files that would be checked, and exit.
    #[arg(long, conflicts_with_all = ["show_settings", "add_noqa"])]
    pub show_files: bool,

    /// Print the settings each path is checked with (configuration file, rules, excludes),
    /// and exit.
    #[arg(long)]
    pub show_settings: bool,

    /// Number of threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Print findings and diffs, but no summary.
    #[arg(long, short = 'q', conflicts_with = "silent")]
    pub quiet: bool,

    /// Print nothing but errors (on stderr); the exit status tells the rest.
    #[arg(long, short = 's')]
    pub silent: bool,

    /// When to colour the output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorArg,

    /// Print a rule's rationale and example (e.g. PF001) and exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,

    /// Write a JSON report of the run to FILE (every file with its status and findings, per
    /// root), besides the output on stdout.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Write one patch per repository to DIR (`<root name>.patch`, paths relative to the
    /// repository, for `git apply`); repositories without changes get none.
    #[arg(long, value_name = "DIR", conflicts_with = "check")]
    pub patch_dir: Option<PathBuf>,

    /// With --write: in every git repository where files were written, commit exactly those
    /// files with MESSAGE (followed by the list of fixes).
    #[arg(
        long,
        value_name = "MESSAGE",
        requires = "write",
        conflicts_with = "allow_dirty"
    )]
    pub commit: Option<String>,

    /// With --commit: create branch NAME from the current HEAD and commit there.
    #[arg(long, value_name = "NAME", requires = "commit")]
    pub branch: Option<String>,

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

/// Where configuration comes from, after `--config` and `--isolated`.
#[derive(Debug, Clone, Default)]
pub struct ConfigSources {
    /// A file named with `--config`: used for every root instead of discovery.
    pub file: Option<(PathBuf, FileConfig)>,
    /// Inline `--config` overrides, merged (later ones win).
    pub inline: FileConfig,
    /// Their text, for `--show-settings`.
    pub inline_text: Vec<String>,
    /// `--isolated`: no configuration file at all.
    pub isolated: bool,
}

impl ConfigSources {
    /// Sort `--config` values into one file and inline overrides.
    pub fn new(values: &[String], isolated: bool) -> Result<ConfigSources, String> {
        let mut sources = ConfigSources {
            isolated,
            ..ConfigSources::default()
        };
        for value in values {
            let path = Path::new(value);
            if path.is_file() {
                if isolated {
                    return Err(format!(
                        "--config {value}: a configuration file cannot be used with --isolated"
                    ));
                }
                if let Some((first, _)) = &sources.file {
                    return Err(format!(
                        "--config: only one configuration file can be given ({} and {value})",
                        first.display()
                    ));
                }
                // Absolute, so its excludes are relative to its own folder from any root.
                let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
                let config = read_config_file(&path)?;
                sources.file = Some((path, config));
                continue;
            }
            match parse_inline(value) {
                Ok(over) => {
                    sources.inline = std::mem::take(&mut sources.inline).overlay(over);
                    sources.inline_text.push(value.clone());
                }
                Err(e) if value.contains('=') => {
                    return Err(format!("--config {value:?}: {e}"));
                }
                Err(_) => {
                    return Err(format!(
                        "--config {value:?}: neither an existing file nor a `KEY = VALUE` override"
                    ));
                }
            }
        }
        Ok(sources)
    }
}

/// What the command line imposes on every root's configuration.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub select: Option<Vec<Rule>>,
    pub ignore: Vec<Rule>,
    pub unsafe_fixes: Option<bool>,
    /// `--exclude` globs (relative to each root, as discovery anchors them).
    pub exclude: Vec<String>,
    pub sources: ConfigSources,
}

/// The settings of one root: its configuration file (found from `path` upwards, or the one
/// `--config` names), under the command line's overrides.
pub fn root_settings(path: &Path, o: &Overrides) -> Result<RootSettings, String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let found = if o.sources.isolated {
        None
    } else if let Some((p, c)) = &o.sources.file {
        Some((p.clone(), c.clone()))
    } else {
        // A path that doesn't exist (a missing root, a stdin name) is looked up from the
        // nearest folder that does; discovery reports missing roots.
        match path
            .ancestors()
            .find(|a| a.exists() && !a.as_os_str().is_empty())
        {
            Some(existing) => find_config(existing)?,
            None => find_config(&cwd)?,
        }
    };
    let (config_path, file_config) = match found {
        Some((p, c)) => (Some(p), c),
        None => (None, FileConfig::default()),
    };
    let config = file_config.clone().overlay(o.sources.inline.clone());
    let named = |e: String| match &config_path {
        Some(p) => format!("{}: {e}", p.display()),
        None => e,
    };
    // Excludes: the inline ones (relative to the current folder) replace the file's (relative
    // to the file).
    let config_globs: Vec<AnchoredGlob> = match (&o.sources.inline.exclude, &file_config.exclude) {
        (Some(globs), _) => anchored(globs, &cwd),
        (None, Some(globs)) => {
            let base = config_path
                .as_deref()
                .and_then(Path::parent)
                .unwrap_or(Path::new("."));
            anchored(globs, base)
        }
        (None, None) => Vec::new(),
    };
    let mut exclude = o.exclude.clone();
    exclude.extend(
        config_globs
            .iter()
            .filter_map(|g| rebase_glob(&g.glob, &g.base, path)),
    );
    let mut anchored_excludes = anchored(&o.exclude, &cwd);
    anchored_excludes.extend(config_globs);
    let rules = resolve_rules(o.select.as_deref(), &o.ignore, Some(&config)).map_err(named)?;
    Ok(RootSettings {
        path: path.to_path_buf(),
        config: config_path,
        rules,
        exclude,
        anchored_excludes,
        unsafe_fixes: o.unsafe_fixes.or(config.unsafe_fixes).unwrap_or(false),
        unsafe_fixes_from_config: o.unsafe_fixes.is_none() && config.unsafe_fixes == Some(true),
    })
}

fn anchored(globs: &[String], base: &Path) -> Vec<AnchoredGlob> {
    globs
        .iter()
        .map(|g| AnchoredGlob {
            base: base.to_path_buf(),
            glob: g.clone(),
        })
        .collect()
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
    /// Read from stdin: `-` is the only path, or `--stdin-filename` was given.
    pub fn reads_stdin(&self) -> bool {
        self.stdin_filename.is_some() || self.paths.iter().any(|p| p.as_os_str() == "-")
    }

    pub fn into_settings(self) -> Result<Settings, String> {
        let stdin = self.reads_stdin();
        if stdin && self.paths.iter().any(|p| p.as_os_str() != "-") {
            return Err("`-` (stdin) cannot be combined with other paths".to_string());
        }
        if stdin && self.add_noqa {
            return Err("--add-noqa rewrites files; it cannot be used with stdin".to_string());
        }
        let format = match self.output_format {
            FormatArg::Text => OutputFormat::Text,
            FormatArg::Concise => OutputFormat::Concise,
            FormatArg::Grouped => OutputFormat::Grouped,
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Sarif => OutputFormat::Sarif,
            FormatArg::Github => OutputFormat::Github,
            FormatArg::Gitlab => OutputFormat::Gitlab,
            FormatArg::Junit => OutputFormat::Junit,
        };
        if (self.statistics || self.per_repository)
            && !(format.is_human() || format == OutputFormat::Json)
        {
            let flag = if self.statistics {
                "--statistics"
            } else {
                "--per-repository"
            };
            return Err(format!(
                "{flag} prints a table (text) or JSON; --output-format {} is not supported with it",
                format_name(format)
            ));
        }
        if self.diff && !format.is_human() {
            return Err(format!(
                "--diff prints diffs, not findings; it cannot be combined with --output-format {}",
                format_name(format)
            ));
        }
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
        let mode = if self.add_noqa {
            Mode::AddNoqa
        } else if self.write {
            Mode::Write
        } else if self.check {
            Mode::Check
        } else {
            Mode::DryRun
        };
        let show_diff = match (self.diff, self.no_diff) {
            (true, _) => true,
            (_, true) => false,
            _ => mode == Mode::DryRun && format == OutputFormat::Text,
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
        let listed = expand_response_files(&self.paths)?;
        if stdin && (self.patch_dir.is_some() || self.commit.is_some()) {
            return Err(
                "--patch-dir and --commit act on repositories; they cannot be used with stdin"
                    .to_string(),
            );
        }
        if self.commit.as_deref().is_some_and(|m| m.trim().is_empty()) {
            return Err("--commit needs a message".to_string());
        }
        let paths = if stdin {
            vec![self
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"))]
        } else if listed.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            listed
        };
        let verbosity = if self.silent {
            Verbosity::Silent
        } else if self.quiet {
            Verbosity::Quiet
        } else {
            Verbosity::Normal
        };
        let overrides = Overrides {
            select: cli_select.clone(),
            ignore: cli_ignore.clone(),
            unsafe_fixes: cli_unsafe,
            exclude: self.exclude.clone(),
            sources: ConfigSources::new(&self.config, self.isolated)?,
        };
        let defaults = resolve_rules(cli_select.as_deref(), &cli_ignore, None)?;
        let mut roots = Vec::new();
        for path in &paths {
            roots.push(root_settings(path, &overrides)?);
        }
        Ok(Settings {
            paths,
            mode,
            unsafe_fixes: cli_unsafe.unwrap_or(false),
            show_diff,
            format,
            rules: defaults,
            exclude: self.exclude,
            anchored_excludes: Vec::new(),
            jobs: self.jobs,
            verbosity,
            color,
            prefilter: !self.no_prefilter,
            allow_dirty: self.allow_dirty,
            progress: !self.no_progress && verbosity == Verbosity::Normal,
            statistics: self.statistics,
            per_repository: self.per_repository,
            show_findings: !self.diff || mode == Mode::Check,
            exit_on_change: self.diff,
            exit_zero: self.exit_zero,
            exit_non_zero_on_fix: self.exit_non_zero_on_fix,
            force_exclude: self.force_exclude,
            max_file_bytes: self.max_file_size,
            config_overrides: overrides.sources.inline_text.clone(),
            list_excluded: self.report.is_some(),
            report: self.report,
            patch_dir: self.patch_dir,
            commit: self.commit.map(|message| CommitPlan {
                message,
                branch: self.branch,
            }),
            roots,
        })
    }
}

/// `@FILE` arguments replaced by the paths FILE lists, one per line (like a compiler's
/// response file); blank lines and lines starting with `#` are skipped, and paths are
/// relative to the current folder. Other arguments pass through.
pub fn expand_response_files(args: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for arg in args {
        let Some(file) = arg.to_str().and_then(|a| a.strip_prefix('@')) else {
            out.push(arg.clone());
            continue;
        };
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("@{file}: {}", crate::discover::io_message(&e)))?;
        let before = out.len();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            out.push(PathBuf::from(line));
        }
        if out.len() == before {
            return Err(format!("@{file}: lists no path"));
        }
    }
    Ok(out)
}

/// The name `--output-format` takes for `format`.
pub fn format_name(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Text => "text",
        OutputFormat::Concise => "concise",
        OutputFormat::Grouped => "grouped",
        OutputFormat::Json => "json",
        OutputFormat::Sarif => "sarif",
        OutputFormat::Github => "github",
        OutputFormat::Gitlab => "gitlab",
        OutputFormat::Junit => "junit",
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
    fn response_files_list_one_root_per_line() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("roots.txt");
        std::fs::write(&list, "# repositories\nrepo1\n\n  repo two  \r\n#repo3\n").unwrap();
        let arg = PathBuf::from(format!("@{}", list.display()));
        let got = expand_response_files(&[PathBuf::from("a"), arg, PathBuf::from("b")]).unwrap();
        let want: Vec<PathBuf> = ["a", "repo1", "repo two", "b"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(got, want);
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "\n# nothing\n").unwrap();
        let err = expand_response_files(&[PathBuf::from(format!("@{}", empty.display()))]);
        assert!(err.unwrap_err().contains("lists no path"));
        let missing = expand_response_files(&[PathBuf::from("@/no/such/list")]);
        assert!(missing.unwrap_err().contains("No such file"));
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
