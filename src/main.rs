use std::io::Read;
use std::process::ExitCode;

use clap::Parser;

use picklefix::cli::{print_completions, Args, Command};
use picklefix::output::{print_files, print_fixed_source, print_report};
use picklefix::render::display_path;
use picklefix::report::{
    exit_code, per_root, per_root_table, settings_report, summary, EXIT_ERROR,
};
use picklefix::rules::Rule;
use picklefix::settings::{Mode, Verbosity};

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
        return if print_files(&settings) {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_ERROR as u8)
        };
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
