use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use picklefix::cli::Args;
use picklefix::render::{diff, finding_line, write_json, Style};
use picklefix::report::{exit_code, summary, EXIT_ERROR};
use picklefix::rules::Rule;
use picklefix::settings::{Mode, OutputFormat};

fn main() -> ExitCode {
    let args = Args::parse();
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

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let style = Style {
        color: settings.color,
    };
    let printed = match settings.format {
        OutputFormat::Json => write_json(&mut out, &run),
        OutputFormat::Text => (|| {
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
            Ok(())
        })(),
    };
    let flushed = printed.and_then(|_| out.flush());
    drop(out);
    if let Err(e) = flushed {
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
    if !settings.quiet && settings.format == OutputFormat::Text {
        eprintln!("{}", summary(&run, &settings));
    }
    ExitCode::from(exit_code(&run, &settings) as u8)
}
