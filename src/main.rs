use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Parser;

use picklefix::cli::{print_completions, Args, Command};
use picklefix::edit::Applicability;
use picklefix::render::{diff, display_path, write_findings, Style};
use picklefix::report::{
    exit_code, per_root, per_root_table, rule_statistics, rule_statistics_table, settings_report,
    summary, EXIT_ERROR,
};
use picklefix::rules::Rule;
use picklefix::settings::{Mode, OutputFormat, Settings, Verbosity};
use picklefix::Run;

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(Command::Server) = args.command {
        return match picklefix::server::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("picklefix server: {e}");
                ExitCode::from(EXIT_ERROR as u8)
            }
        };
    }
    if let Some(shell) = args.completions {
        print_completions(shell);
        return ExitCode::SUCCESS;
    }
    if let Some(code) = &args.explain {
        return match Rule::from_code(code) {
            Some(rule) => {
                print!("{}", rule.explanation());
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("picklefix: unknown rule code `{code}`");
                ExitCode::from(EXIT_ERROR as u8)
            }
        };
    }
    let stdin = args.reads_stdin();
    let (show_files, show_settings) = (args.show_files, args.show_settings);
    let settings = match args.into_settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("picklefix: {e}");
            return ExitCode::from(EXIT_ERROR as u8);
        }
    };
    if let Some(jobs) = settings.jobs {
        // Fails only if a pool already exists, which it cannot here.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global();
    }
    if show_settings {
        print!("{}", settings_report(&settings));
        return ExitCode::SUCCESS;
    }
    if show_files {
        return print_files(&settings);
    }

    let mut input = Vec::new();
    let run = if stdin {
        if let Err(e) = std::io::stdin().read_to_end(&mut input) {
            eprintln!("picklefix: cannot read stdin: {e}");
            return ExitCode::from(EXIT_ERROR as u8);
        }
        picklefix::document::stdin_run(&settings, input.clone())
    } else {
        picklefix::run(&settings)
    };

    // With --write, stdin's fixed source is the output (like ruff); findings go to stderr.
    let source_out = stdin && settings.mode == Mode::Write;
    let printed = if source_out {
        print_fixed_source(&run, &input)
            .and_then(|()| print_report(&mut std::io::stderr().lock(), &run, &settings, true))
    } else {
        print_report(&mut std::io::stdout().lock(), &run, &settings, false)
    };
    if let Err(e) = printed {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("picklefix: cannot write output: {e}");
            return ExitCode::from(EXIT_ERROR as u8);
        }
    }
    for (path, message) in &run.errors {
        eprintln!("picklefix: {}: {message}", display_path(path));
    }
    for file in &run.files {
        if let Some(message) = &file.error {
            eprintln!("picklefix: {}: {message}", display_path(&file.path));
        }
    }
    let tables_on_stdout = settings.statistics || settings.per_repository;
    // The per-repository table is a summary itself.
    if settings.verbosity == Verbosity::Normal
        && settings.format.is_human()
        && !settings.per_repository
    {
        eprintln!("{}", summary(&run, &settings));
        if run.roots.len() > 1 && !tables_on_stdout {
            eprint!(
                "\n{}",
                per_root_table(&per_root(&run, &settings), &settings)
            );
        }
    }
    ExitCode::from(exit_code(&run, &settings) as u8)
}

/// `--show-files`: every file the run would read, one per line.
fn print_files(settings: &Settings) -> ExitCode {
    let roots: Vec<Settings> = settings
        .roots()
        .iter()
        .map(|r| settings.for_root(r))
        .collect();
    let found = picklefix::discover::discover(&roots);
    let mut out = std::io::stdout().lock();
    for c in &found.files {
        if writeln!(out, "{}", display_path(&c.path)).is_err() {
            break;
        }
    }
    for (path, message) in &found.errors {
        eprintln!("picklefix: {}: {message}", display_path(path));
    }
    if found.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_ERROR as u8)
    }
}

/// The fixed stdin source (the input itself when nothing was fixed or it was skipped).
fn print_fixed_source(run: &Run, input: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let fixed = run.files.first().and_then(|f| {
        let source = f.source.as_ref()?;
        Some(source.encode(f.fixed.as_ref()?))
    });
    out.write_all(fixed.as_deref().unwrap_or(input))?;
    out.flush()
}

/// Findings, diffs or a statistics table, as the flags ask. `remaining_only`: stdin under
/// `--write`, where the fixed findings are already gone from the output source.
fn print_report(
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
            (
                f,
                settings.for_root(&run.roots[f.root.min(run.roots.len() - 1)]),
            )
        })
        .map(|(f, root)| (f, root.min_applicability()))
        .map(|(f, min)| picklefix::FileResult {
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
            skipped_dirty: false,
        })
        .collect();
    Run {
        files,
        scanned: run.scanned,
        scanned_per_root: run.scanned_per_root.clone(),
        roots: run.roots.clone(),
        errors: Vec::new(),
    }
}
