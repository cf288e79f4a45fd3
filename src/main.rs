use std::io::Read;
use std::process::ExitCode;

use clap::Parser;

use picklefix::cli::{print_completions, Args, Command};
use picklefix::deliver::{write_file_atomic, Repository};
use picklefix::output::{print_files, print_fixed_source, print_report};
use picklefix::project::ProjectKind;
use picklefix::render::display_path;
use picklefix::render::run_report;
use picklefix::report::{
    exit_code, per_root, per_root_table, settings_report, summary, EXIT_ERROR,
};
use picklefix::rules::Rule;
use picklefix::settings::{Mode, Settings, Verbosity};
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

    let (repos, delivered_ok) = deliver(&run, &settings);
    let mut code = exit_code(&run, &settings);
    if !delivered_ok {
        code = EXIT_ERROR;
    }
    if let Some(path) = &settings.report {
        let doc = run_report(&run, &settings, &repos, code);
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        if let Err(e) = write_file_atomic(path, text.as_bytes()) {
            eprintln!("picklefix: cannot write the report {}: {e}", path.display());
            code = EXIT_ERROR;
        }
    }

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
    for e in &run.errors {
        eprintln!("picklefix: {}: {}", display_path(&e.path), e.failure);
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
    ExitCode::from(code as u8)
}

/// `--patch-dir` and `--commit`: the repositories of the run and what was left in each
/// (also for `--report`); `false` when a patch or a commit failed (named on stderr).
fn deliver(run: &Run, settings: &Settings) -> (Vec<Repository>, bool) {
    if settings.report.is_none() && settings.patch_dir.is_none() && settings.commit.is_none() {
        return (Vec::new(), true);
    }
    let mut repos = picklefix::deliver::repositories(run);
    if let Some(dir) = &settings.patch_dir {
        picklefix::deliver::write_patches(run, settings, dir, &mut repos);
    }
    if let Some(plan) = &settings.commit {
        picklefix::deliver::commit(run, settings, plan, &mut repos);
    }
    let talk = settings.verbosity == Verbosity::Normal;
    let mut ok = true;
    for r in &repos {
        let name = display_path(&r.path);
        if let Some(e) = &r.error {
            eprintln!("picklefix: {name}: {e}");
            ok = false;
        }
        if let (Some(c), true) = (&r.commit, talk) {
            let on = c
                .branch
                .as_deref()
                .map_or(String::new(), |b| format!(" on {b}"));
            let short: String = c.sha.chars().take(12).collect();
            eprintln!(
                "picklefix: {name}: committed {} as {short}{on}",
                plural(r.committed.len(), "file", "files")
            );
        }
        if let (Some(p), true) = (&r.patch, talk) {
            eprintln!("picklefix: {name}: patch written to {}", display_path(p));
        }
    }
    if settings.commit.is_some() && talk {
        for r in repos.iter().filter(|r| r.kind != ProjectKind::Git) {
            if run
                .files
                .iter()
                .any(|f| f.written && r.roots.contains(&f.root))
            {
                eprintln!(
                    "picklefix: {}: not in a git repository; written but not committed",
                    display_path(&r.path)
                );
            }
        }
    }
    (repos, ok)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}
