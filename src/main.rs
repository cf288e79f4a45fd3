use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use picklefix::cli::{print_completions, Args};
use picklefix::render::{diff, finding_line, write_json, write_sarif, Style};
use picklefix::report::{exit_code, per_root, per_root_table, summary, EXIT_ERROR};
use picklefix::rules::Rule;
use picklefix::settings::{Mode, OutputFormat, Settings};
use picklefix::Run;

fn main() -> ExitCode {
    let args = Args::parse();
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
    let run = picklefix::run(&settings);

    if let Err(e) = print_stdout(&run, &settings) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("picklefix: cannot write output: {e}");
            return ExitCode::from(EXIT_ERROR as u8);
        }
    }
    for (path, message) in &run.errors {
        eprintln!("picklefix: {}: {message}", path.display());
    }
    for file in &run.files {
        if let Some(message) = &file.error {
            eprintln!("picklefix: {}: {message}", file.path.display());
        }
    }
    if !settings.quiet && settings.format == OutputFormat::Text && !settings.statistics {
        eprintln!("{}", summary(&run, &settings));
        if run.roots.len() > 1 {
            eprint!(
                "\n{}",
                per_root_table(&per_root(&run, &settings), &settings)
            );
        }
    }
    ExitCode::from(exit_code(&run, &settings) as u8)
}

/// Findings, diffs or the statistics table, as the flags ask.
fn print_stdout(run: &Run, settings: &Settings) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if settings.statistics {
        let rows = per_root(run, settings);
        match settings.format {
            OutputFormat::Json | OutputFormat::Sarif => {
                serde_json::to_writer_pretty(&mut out, &rows)?;
                writeln!(out)?;
            }
            OutputFormat::Text => write!(out, "{}", per_root_table(&rows, settings))?,
        }
        return out.flush();
    }
    let style = Style {
        color: settings.color,
    };
    match settings.format {
        OutputFormat::Json => write_json(&mut out, run)?,
        OutputFormat::Sarif => write_sarif(&mut out, run)?,
        OutputFormat::Text => {
            if !settings.quiet {
                for file in &run.files {
                    for f in &file.findings {
                        writeln!(out, "{}", finding_line(file, f, &style))?;
                    }
                }
            }
            if settings.show_diff {
                for file in &run.files {
                    let shown = settings.mode != Mode::Write || file.written;
                    if let Some(d) = diff(file, &style).filter(|_| shown) {
                        write!(out, "{d}")?;
                    }
                }
            }
        }
    }
    out.flush()
}
