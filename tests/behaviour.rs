//! Behaviour tests: rewritten code must still run, under real python3.
//!
//! Runs every case in `tests/behaviour/cases/` and, when it exists, every case in
//! `../shared/cases/` (relative to `CARGO_MANIFEST_DIR`), the way `shared/cases/run.sh` does.
//! A case is a folder with `input.py`, `expect.txt` (what the program prints, stdout and stderr
//! together) and `mode` (`fix`, `unchanged` or `fix-unsafe`). A case passes when:
//!
//! * `picklefix --write` (plus `--unsafe-fixes` for `fix-unsafe`) exits below 2 and changes the
//!   file exactly when the mode says so; a `fix-unsafe` case must also stay unchanged when run
//!   without `--unsafe-fixes`;
//! * CRLF line endings are kept (and none are introduced);
//! * `python3 input.py`, run in the case's temporary folder, prints `expect.txt` (compared like
//!   `$(...)` in bash: trailing newlines ignored);
//! * a second `--write` changes nothing.
//!
//! Every case runs, failures are collected and reported together at the end.
//!
//! Environment knobs (all optional):
//! * `PICKLEFIX_BEHAVIOUR_FILTER=substr` runs only the cases whose label contains `substr`;
//! * `PICKLEFIX_BEHAVIOUR_JOBS=N` cases run in parallel (default: min(4, CPUs));
//! * `PICKLEFIX_BEHAVIOUR_KEEP=1` keeps the temporary folder and prints its path;
//! * `PICKLEFIX_BEHAVIOUR_BIN=path` runs another binary instead of the one cargo built.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

const PICKLEFIX_TIMEOUT: Duration = Duration::from_secs(30);
const PYTHON_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Fix,
    Unchanged,
    FixUnsafe,
}

impl Mode {
    fn parse(text: &str) -> Option<Mode> {
        match text.trim() {
            "fix" => Some(Mode::Fix),
            "unchanged" => Some(Mode::Unchanged),
            "fix-unsafe" => Some(Mode::FixUnsafe),
            _ => None,
        }
    }
}

struct Case {
    /// `behaviour/<name>` or `shared/<name>`.
    label: String,
    /// The folder holding input.py, expect.txt, mode.
    dir: PathBuf,
    /// Folder of its own inside the temporary work folder; `input.py` is copied there.
    work: PathBuf,
}

/// What a finished (or killed) child left behind.
struct Outcome {
    /// `None` when it was killed after the timeout.
    status: Option<ExitStatus>,
    /// stdout and stderr interleaved, as `2>&1` would.
    output: String,
}

fn picklefix_bin() -> PathBuf {
    match std::env::var_os("PICKLEFIX_BEHAVIOUR_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_picklefix")),
    }
}

/// Runs `cmd` with stdin closed and stdout+stderr both sent to `log`, killing it after `timeout`.
/// Output goes to a file, not a pipe, so worker processes that outlive the parent cannot block us.
fn run_captured(cmd: &mut Command, log: &Path, timeout: Duration) -> Result<Outcome, String> {
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot dup log handle: {e}"))?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    #[cfg(unix)]
    {
        // own process group, so a timeout also ends the pool workers it started
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => return Err(format!("waiting for {:?} failed: {e}", cmd.get_program())),
        }
        if start.elapsed() >= timeout {
            kill_tree(&mut child);
            break None;
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    };
    let bytes = fs::read(log).map_err(|e| format!("cannot read {}: {e}", log.display()))?;
    Ok(Outcome {
        status,
        output: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

fn kill_tree(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // the child leads its own process group (see run_captured): end exactly that group
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg("--")
            .arg(format!("-{}", child.id()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The last `n` non-empty lines of `text`, each cut to 200 characters, joined with " / ".
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(n);
    lines[start..]
        .iter()
        .map(|l| cut(l, 200))
        .collect::<Vec<_>>()
        .join(" / ")
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// (lines ending in CR as `grep -c $'\r$'` counts them, newline count as `wc -l` counts it)
fn line_ending_counts(bytes: &[u8]) -> (usize, usize) {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    let mut crlf = 0;
    let mut segments: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if segments.last().is_some_and(|s| s.is_empty()) {
        segments.pop();
    }
    for seg in segments {
        if seg.last() == Some(&b'\r') {
            crlf += 1;
        }
    }
    (crlf, newlines)
}

/// Runs `picklefix --write [--unsafe-fixes] file`; `what` names the step in messages.
fn run_picklefix(case: &Case, file: &Path, unsafe_fixes: bool, what: &str) -> Result<(), String> {
    let log = log_path(case, what);
    let mut cmd = Command::new(picklefix_bin());
    cmd.arg("--write");
    if unsafe_fixes {
        cmd.arg("--unsafe-fixes");
    }
    cmd.arg(file).current_dir(&case.work);
    let outcome = run_captured(&mut cmd, &log, PICKLEFIX_TIMEOUT)?;
    match outcome.status {
        None => Err(format!(
            "{what}: picklefix timed out after {}s",
            PICKLEFIX_TIMEOUT.as_secs()
        )),
        Some(status) => match status.code() {
            Some(code) if code < 2 => Ok(()),
            Some(code) => Err(format!(
                "{what}: picklefix exit {code}: {}",
                tail(&outcome.output, 3)
            )),
            None => Err(format!(
                "{what}: picklefix killed by a signal ({status}): {}",
                tail(&outcome.output, 3)
            )),
        },
    }
}

/// Logs sit beside the case's work folder, so the folder python runs in holds only input.py.
fn log_path(case: &Case, what: &str) -> PathBuf {
    let name = case.work.file_name().unwrap().to_string_lossy();
    case.work.with_file_name(format!("{name}.{what}.log"))
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn check_case(case: &Case) -> Result<(), String> {
    let mode_text = fs::read_to_string(case.dir.join("mode"))
        .map_err(|e| format!("malformed case: cannot read mode: {e}"))?;
    let mode = Mode::parse(&mode_text)
        .ok_or_else(|| format!("malformed case: unknown mode {:?}", mode_text.trim()))?;
    let input = read(&case.dir.join("input.py")).map_err(|e| format!("malformed case: {e}"))?;
    let expect = read(&case.dir.join("expect.txt")).map_err(|e| format!("malformed case: {e}"))?;
    let expect = String::from_utf8_lossy(&expect).into_owned();

    fs::create_dir_all(&case.work)
        .map_err(|e| format!("cannot create {}: {e}", case.work.display()))?;
    let file = case.work.join("input.py");

    // An unsafe-only fix must not be applied by a plain --write.
    if mode == Mode::FixUnsafe {
        write(&file, &input)?;
        run_picklefix(case, &file, false, "write-without-unsafe")?;
        if read(&file)? != input {
            return Err(
                "changed by --write without --unsafe-fixes (its fix must be unsafe-only)".into(),
            );
        }
    }

    write(&file, &input)?;
    let unsafe_fixes = mode == Mode::FixUnsafe;
    run_picklefix(case, &file, unsafe_fixes, "write")?;
    let first = read(&file)?;
    let changed = first != input;
    match (mode, changed) {
        (Mode::Fix | Mode::FixUnsafe, false) => return Err("not fixed".into()),
        (Mode::Unchanged, true) => return Err("changed but must not be".into()),
        _ => {}
    }

    let (crlf_in, lines_in) = line_ending_counts(&input);
    let (crlf_out, lines_out) = line_ending_counts(&first);
    if crlf_in > 0 && crlf_out != lines_out {
        return Err(format!(
            "line endings changed: input {crlf_in}/{lines_in} lines end in CRLF, output {crlf_out}/{lines_out}"
        ));
    }
    if crlf_in == 0 && crlf_out > 0 {
        return Err(format!(
            "line endings changed: input has no CRLF, output has {crlf_out}/{lines_out} CRLF lines"
        ));
    }

    let log = log_path(case, "python");
    let mut py = Command::new("python3");
    py.arg("input.py")
        .current_dir(&case.work)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let outcome = run_captured(&mut py, &log, PYTHON_TIMEOUT)?;
    if outcome.status.is_none() {
        return Err(format!(
            "runs wrong: python3 timed out after {}s: {}",
            PYTHON_TIMEOUT.as_secs(),
            tail(&outcome.output, 2)
        ));
    }
    let got = outcome.output.trim_end_matches('\n');
    let want = expect.trim_end_matches('\n');
    if got != want {
        let (gl, wl): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
        let at = gl
            .iter()
            .zip(wl.iter())
            .position(|(g, w)| g != w)
            .unwrap_or(gl.len().min(wl.len()));
        return Err(format!(
            "runs wrong: line {}: expected {:?}, got {:?}; output ends: {}",
            at + 1,
            wl.get(at)
                .map(|s| cut(s, 120))
                .unwrap_or_else(|| "<end>".into()),
            gl.get(at)
                .map(|s| cut(s, 120))
                .unwrap_or_else(|| "<end>".into()),
            tail(got, 2)
        ));
    }

    run_picklefix(case, &file, unsafe_fixes, "second-write")?;
    if read(&file)? != first {
        return Err("second --write changed it again (not idempotent)".into());
    }
    Ok(())
}

fn collect_cases(root: &Path, origin: &str, work_root: &Path, out: &mut Vec<Case>) {
    let entries = match fs::read_dir(root) {
        Ok(e) => e,
        Err(e) => panic!("cannot list {}: {e}", root.display()),
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        out.push(Case {
            label: format!("{origin}/{name}"),
            work: work_root.join(origin).join(&name),
            dir,
        });
    }
}

fn require_python3() {
    match Command::new("python3")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "python3 --version failed ({}): behaviour tests need a working python3 on PATH",
            o.status
        ),
        Err(e) => panic!("python3 is not on PATH ({e}): behaviour tests need python3"),
    }
}

#[test]
fn behaviour_cases() {
    require_python3();

    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::Builder::new()
        .prefix("picklefix-behaviour-")
        .tempdir()
        .expect("cannot create a temporary folder");
    let work_root = tmp.path().to_path_buf();

    let mut cases = Vec::new();
    collect_cases(
        &manifest.join("tests/behaviour/cases"),
        "behaviour",
        &work_root,
        &mut cases,
    );
    let shared = manifest.join("../shared/cases");
    if shared.is_dir() {
        collect_cases(&shared, "shared", &work_root, &mut cases);
    }
    if let Ok(filter) = std::env::var("PICKLEFIX_BEHAVIOUR_FILTER") {
        cases.retain(|c| c.label.contains(&filter));
    }
    assert!(!cases.is_empty(), "no behaviour cases found");

    let jobs = std::env::var("PICKLEFIX_BEHAVIOUR_JOBS")
        .ok()
        .and_then(|j| j.parse::<usize>().ok())
        .filter(|&j| j > 0)
        .unwrap_or_else(|| {
            thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .min(4)
        })
        .min(cases.len());

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<(), String>>>> =
        Mutex::new((0..cases.len()).map(|_| None).collect());
    thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= cases.len() {
                    break;
                }
                let r = check_case(&cases[i]);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    let results = results.into_inner().unwrap();

    let mut failures = Vec::new();
    for (case, result) in cases.iter().zip(results) {
        match result {
            Some(Ok(())) => {}
            Some(Err(reason)) => failures.push(format!("{}: {reason}", case.label)),
            None => failures.push(format!("{}: did not run", case.label)),
        }
    }
    let total = cases.len();
    let pass = total - failures.len();
    for f in &failures {
        println!("FAIL {f}");
    }
    println!("{pass}/{total} behaviour cases pass");

    if std::env::var_os("PICKLEFIX_BEHAVIOUR_KEEP").is_some() {
        let kept = tmp.keep();
        println!("work folder kept at {}", kept.display());
    }

    if !failures.is_empty() {
        panic!(
            "{pass}/{total} behaviour cases pass; {} failing:\n  {}",
            failures.len(),
            failures.join("\n  ")
        );
    }
}
