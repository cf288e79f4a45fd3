//! Behaviour tests: rewritten code must still run, under real python3, under every start method
//! that imports the main module afresh in the workers (`spawn` and `forkserver`).
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
//! * a second `--write` changes nothing;
//! * for each start method (`spawn`, then `forkserver`): `python3 input.py` on the result (for an
//!   `unchanged` case: the unchanged original), run in a folder of its own, prints `expect.txt`
//!   (compared like `$(...)` in bash: trailing newlines ignored), and every process it starts is
//!   started with that method.
//!
//! The cases force `spawn` (`set_start_method("spawn")`, `get_context("spawn")`,
//! `mp_context=get_context("spawn")`); the shared ones use the default start method. The case
//! files are not duplicated per method: each python run gets `tests/behaviour/start_method_shim/`
//! on `PYTHONPATH`, whose `sitecustomize.py` (with `PICKLEFIX_START_METHOD=<method>`) turns every
//! request for `spawn` into `<method>` and makes `<method>` the default (a request for `fork` is
//! left alone; so the shared cases run under spawn and forkserver here, while `run.sh` runs them
//! under the platform default), and logs (to `PICKLEFIX_START_LOG`) that it loaded and which
//! method really started each process. A run whose log shows the shim missing, or a process
//! started another way, fails. `start_method_shim_self_test` checks the shim on the
//! multiprocessing APIs, and `originals_fail_under_each_start_method` checks that the forkserver
//! run can fail at all: some originals must still fail under it (and under spawn) before
//! picklefix rewrites them.
//!
//! Every case runs, failures are collected and reported together at the end, one line each:
//! `<case> (<method>): <reason>` for a run, `<case>: <reason>` for the rewrite itself. A run listed
//! in `KNOWN_FAILURES` is reported as KNOWN and does not fail the test (a listed run that passes
//! does, so the list is kept honest).
//!
//! Environment knobs (all optional):
//! * `PICKLEFIX_BEHAVIOUR_FILTER=substr` runs only the cases whose label contains `substr` (in
//!   `behaviour_cases`; the other two tests are short and always run whole);
//! * `PICKLEFIX_BEHAVIOUR_JOBS=N` python runs (and rewrites) in parallel (default: min(4, CPUs));
//! * `PICKLEFIX_BEHAVIOUR_START_METHODS=spawn,forkserver` the start methods to run every case
//!   under (default: both);
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
/// An original that should fail usually does so at once; some then hang (a pool whose workers
/// keep dying), so those runs stop as soon as the expected error shows.
const ORIGINAL_TIMEOUT: Duration = Duration::from_secs(60);

/// Folder (under `CARGO_MANIFEST_DIR`) with the `sitecustomize.py` start-method shim.
const SHIM_DIR: &str = "tests/behaviour/start_method_shim";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StartMethod {
    Spawn,
    Forkserver,
    /// Only for the controls in `originals_fail_under_each_start_method`.
    Fork,
}

impl StartMethod {
    fn name(self) -> &'static str {
        match self {
            StartMethod::Spawn => "spawn",
            StartMethod::Forkserver => "forkserver",
            StartMethod::Fork => "fork",
        }
    }

    fn parse(text: &str) -> Option<StartMethod> {
        match text.trim() {
            "spawn" => Some(StartMethod::Spawn),
            "forkserver" => Some(StartMethod::Forkserver),
            "fork" => Some(StartMethod::Fork),
            _ => None,
        }
    }
}

/// What every case runs under unless `PICKLEFIX_BEHAVIOUR_START_METHODS` says otherwise.
const DEFAULT_START_METHODS: [StartMethod; 2] = [StartMethod::Spawn, StartMethod::Forkserver];

/// Runs that fail because of a known picklefix bug: (case label, start method, why and where it
/// is tracked). They are reported as KNOWN on every run and do not fail the test; once one passes,
/// the test fails until it is taken off this list.
const KNOWN_FAILURES: &[(&str, StartMethod, &str)] = &[];

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
    /// Folder of its own inside the temporary work folder. picklefix rewrites `write/input.py`;
    /// each python run gets `run-<method>/input.py`; logs sit directly in it, beside those
    /// folders, so the folder python runs in holds only input.py.
    work: PathBuf,
}

impl Case {
    fn log(&self, what: &str) -> PathBuf {
        self.work.join(format!("{what}.log"))
    }
}

/// A case after the rewrite steps: the program to run and what it must print.
struct Prepared {
    program: Vec<u8>,
    expect: String,
}

/// What a finished (or killed) child left behind.
struct Outcome {
    /// `None` when it was killed: after the timeout, or because `stop_when` showed up.
    status: Option<ExitStatus>,
    /// Killed because the output showed `stop_when`.
    stopped: bool,
    /// stdout and stderr interleaved, as `2>&1` would.
    output: String,
}

fn picklefix_bin() -> PathBuf {
    match std::env::var_os("PICKLEFIX_BEHAVIOUR_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_picklefix")),
    }
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cmd` with stdin closed and stdout+stderr both sent to `log`, killing it after `timeout`,
/// or as soon as the log contains `stop_when`.
/// Output goes to a file, not a pipe, so worker processes that outlive the parent cannot block us.
fn run_captured(
    cmd: &mut Command,
    log: &Path,
    timeout: Duration,
    stop_when: Option<&str>,
) -> Result<Outcome, String> {
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot dup log handle: {e}"))?;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    #[cfg(unix)]
    {
        // own process group, so a timeout also ends the pool workers (and forkserver) it started
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    let mut stopped = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => return Err(format!("waiting for {:?} failed: {e}", cmd.get_program())),
        }
        if let Some(needle) = stop_when {
            if fs::read(log).is_ok_and(|b| String::from_utf8_lossy(&b).contains(needle)) {
                kill_tree(&mut child);
                stopped = true;
                break None;
            }
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
        stopped,
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

/// Runs `picklefix --write [--unsafe-fixes] file` in the file's folder; `what` names the step in
/// messages and its log.
fn run_picklefix(case: &Case, file: &Path, unsafe_fixes: bool, what: &str) -> Result<(), String> {
    let log = case.log(what);
    let mut cmd = Command::new(picklefix_bin());
    cmd.arg("--write");
    if unsafe_fixes {
        cmd.arg("--unsafe-fixes");
    }
    cmd.arg(file).current_dir(file.parent().unwrap());
    let outcome = run_captured(&mut cmd, &log, PICKLEFIX_TIMEOUT, None)?;
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

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn create_dir(path: &Path) -> Result<(), String> {
    fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

fn read_mode(case: &Case) -> Result<Mode, String> {
    let mode_text = fs::read_to_string(case.dir.join("mode"))
        .map_err(|e| format!("malformed case: cannot read mode: {e}"))?;
    Mode::parse(&mode_text)
        .ok_or_else(|| format!("malformed case: unknown mode {:?}", mode_text.trim()))
}

fn read_expect(case: &Case) -> Result<String, String> {
    let expect = read(&case.dir.join("expect.txt")).map_err(|e| format!("malformed case: {e}"))?;
    Ok(String::from_utf8_lossy(&expect).into_owned())
}

/// The steps that do not depend on the start method: rewrite, mode, line endings, idempotency.
fn prepare_case(case: &Case) -> Result<Prepared, String> {
    let mode = read_mode(case)?;
    let input = read(&case.dir.join("input.py")).map_err(|e| format!("malformed case: {e}"))?;
    let expect = read_expect(case)?;

    let folder = case.work.join("write");
    create_dir(&folder)?;
    let file = folder.join("input.py");

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

    run_picklefix(case, &file, unsafe_fixes, "second-write")?;
    if read(&file)? != first {
        return Err("second --write changed it again (not idempotent)".into());
    }
    Ok(Prepared {
        program: first,
        expect,
    })
}

/// `program` as `input.py` in `<case work>/<run>/`, run by python3 under `method` through the
/// shim; returns the outcome and the shim's log of process starts.
fn run_python(
    case: &Case,
    run: &str,
    program: &[u8],
    method: StartMethod,
    timeout: Duration,
    stop_when: Option<&str>,
) -> Result<(Outcome, StartLog), String> {
    let folder = case.work.join(run);
    create_dir(&folder)?;
    write(&folder.join("input.py"), program)?;
    let starts = case.log(&format!("{run}.starts"));
    let mut py = python_under(method, &starts);
    py.arg("input.py").current_dir(&folder);
    let outcome = run_captured(
        &mut py,
        &case.log(&format!("{run}.python")),
        timeout,
        stop_when,
    )?;
    let log = StartLog::read(&starts)?;
    Ok((outcome, log))
}

/// `python3` with the start-method shim loaded for `method`, logging to `start_log`.
fn python_under(method: StartMethod, start_log: &Path) -> Command {
    let shim = manifest_dir().join(SHIM_DIR);
    let mut path = std::ffi::OsString::from(shim.as_os_str());
    if let Some(old) = std::env::var_os("PYTHONPATH").filter(|p| !p.is_empty()) {
        path.push(if cfg!(windows) { ";" } else { ":" });
        path.push(old);
    }
    let mut py = Command::new("python3");
    py.env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONPATH", path)
        .env("PICKLEFIX_START_METHOD", method.name())
        .env("PICKLEFIX_START_LOG", start_log)
        .env_remove("PICKLEFIX_SHIM_PID");
    py
}

/// What the shim logged: the start method it loaded for in the main process (one line per load,
/// there must be exactly one), and the (method, process class) of every process started.
struct StartLog {
    shim: Vec<String>,
    starts: Vec<(String, String)>,
}

impl StartLog {
    fn read(path: &Path) -> Result<StartLog, String> {
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        let mut log = StartLog {
            shim: Vec::new(),
            starts: Vec::new(),
        };
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["shim", method, ..] => log.shim.push(method.to_string()),
                ["start", method, _pid, rest @ ..] => {
                    log.starts.push((method.to_string(), rest.join(" ")))
                }
                _ => return Err(format!("unreadable start log line {line:?}")),
            }
        }
        Ok(log)
    }

    /// Err when the shim did not load for `method` in the main process, or some process was
    /// started with another method.
    fn check(&self, method: StartMethod) -> Result<(), String> {
        match self.shim.as_slice() {
            [m] if m == method.name() => {}
            [] => {
                return Err(format!(
                    "the start-method shim ({SHIM_DIR}/sitecustomize.py) did not load in python's main process, so the run proves nothing about {}",
                    method.name()
                ))
            }
            other => {
                return Err(format!(
                    "the start-method shim loaded as {other:?}, expected one load for {}",
                    method.name()
                ))
            }
        }
        let stray: Vec<String> = self
            .starts
            .iter()
            .filter(|(m, _)| m != method.name())
            .map(|(m, what)| format!("{m}: {what}"))
            .collect();
        if !stray.is_empty() {
            return Err(format!(
                "{} of {} processes were not started with {} (the shim missed how the program picks its start method): {}",
                stray.len(),
                self.starts.len(),
                method.name(),
                stray.join(", ")
            ));
        }
        Ok(())
    }
}

/// Runs the prepared program under `method` and checks what it prints.
fn check_run(case: &Case, prepared: &Prepared, method: StartMethod) -> Result<(), String> {
    let run = format!("run-{}", method.name());
    let (outcome, log) = run_python(case, &run, &prepared.program, method, PYTHON_TIMEOUT, None)?;
    log.check(method)?;
    if outcome.status.is_none() {
        return Err(format!(
            "runs wrong: python3 timed out after {}s: {}",
            PYTHON_TIMEOUT.as_secs(),
            tail(&outcome.output, 2)
        ));
    }
    let got = outcome.output.trim_end_matches('\n');
    let want = prepared.expect.trim_end_matches('\n');
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

/// All cases: `tests/behaviour/cases/*` and, when present, `../shared/cases/*`.
fn all_cases(work_root: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    collect_cases(
        &manifest_dir().join("tests/behaviour/cases"),
        "behaviour",
        work_root,
        &mut cases,
    );
    let shared = manifest_dir().join("../shared/cases");
    if shared.is_dir() {
        collect_cases(&shared, "shared", work_root, &mut cases);
    }
    cases
}

/// Checks python3 works and returns the start methods its multiprocessing offers.
fn require_python3() -> Vec<String> {
    match Command::new("python3")
        .arg("-c")
        .arg("import multiprocessing; print(' '.join(multiprocessing.get_all_start_methods()))")
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        Ok(o) => panic!(
            "python3 failed ({}): behaviour tests need a working python3 on PATH: {}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => panic!("python3 is not on PATH ({e}): behaviour tests need python3"),
    }
}

/// The start methods to run under (`PICKLEFIX_BEHAVIOUR_START_METHODS` or both); panics when
/// python3 lacks one, rather than quietly running fewer.
fn start_methods(available: &[String]) -> Vec<StartMethod> {
    let methods: Vec<StartMethod> = match std::env::var("PICKLEFIX_BEHAVIOUR_START_METHODS") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|m| {
                StartMethod::parse(m).unwrap_or_else(|| {
                    panic!("PICKLEFIX_BEHAVIOUR_START_METHODS: unknown start method {m:?}")
                })
            })
            .collect(),
        _ => DEFAULT_START_METHODS.to_vec(),
    };
    for m in &methods {
        assert!(
            available.iter().any(|a| a == m.name()),
            "python3 offers the start methods {available:?}, not {}; set PICKLEFIX_BEHAVIOUR_START_METHODS to run fewer",
            m.name()
        );
    }
    methods
}

fn jobs() -> usize {
    std::env::var("PICKLEFIX_BEHAVIOUR_JOBS")
        .ok()
        .and_then(|j| j.parse::<usize>().ok())
        .filter(|&j| j > 0)
        .unwrap_or_else(|| {
            thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .min(4)
        })
}

/// `f` over `items` on `jobs` threads; results in item order (`None`: did not run, e.g. panicked).
fn par_map<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<Option<R>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    thread::scope(|s| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= items.len() {
                    break;
                }
                let r = f(&items[i]);
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });
    results.into_inner().unwrap()
}

fn temp_root(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("cannot create a temporary folder")
}

fn keep_if_asked(tmp: tempfile::TempDir) {
    if std::env::var_os("PICKLEFIX_BEHAVIOUR_KEEP").is_some() {
        let kept = tmp.keep();
        println!("work folder kept at {}", kept.display());
    }
}

fn known_failure(label: &str, method: StartMethod) -> Option<&'static str> {
    KNOWN_FAILURES
        .iter()
        .find(|(l, m, _)| *l == label && *m == method)
        .map(|(_, _, why)| *why)
}

#[test]
fn behaviour_cases() {
    let available = require_python3();
    let methods = start_methods(&available);
    let started = Instant::now();

    let tmp = temp_root("picklefix-behaviour-");
    let mut cases = all_cases(tmp.path());
    if let Ok(filter) = std::env::var("PICKLEFIX_BEHAVIOUR_FILTER") {
        cases.retain(|c| c.label.contains(&filter));
    }
    assert!(!cases.is_empty(), "no behaviour cases found");
    let jobs = jobs();

    // 1. rewrite every case once; 2. run each result under each start method.
    let prepared = par_map(&cases, jobs, prepare_case);
    let runs: Vec<(usize, StartMethod)> = prepared
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p, Some(Ok(_))))
        .flat_map(|(i, _)| methods.iter().map(move |&m| (i, m)))
        .collect();
    let ran = par_map(&runs, jobs, |&(i, method)| match &prepared[i] {
        Some(Ok(p)) => check_run(&cases[i], p, method),
        _ => unreachable!("only prepared cases run"),
    });

    let mut failures = Vec::new();
    let mut known = Vec::new();
    let mut passes = vec![0usize; methods.len()];
    for (case, p) in cases.iter().zip(&prepared) {
        match p {
            Some(Ok(_)) => {}
            Some(Err(reason)) => failures.push(format!("{}: {reason}", case.label)),
            None => failures.push(format!("{}: rewrite did not run", case.label)),
        }
    }
    for (&(i, method), result) in runs.iter().zip(ran) {
        let label = &cases[i].label;
        let slot = methods.iter().position(|&m| m == method).unwrap();
        let result = result.unwrap_or_else(|| Err("did not run".into()));
        match (result, known_failure(label, method)) {
            (Ok(()), None) => passes[slot] += 1,
            (Ok(()), Some(_)) => {
                passes[slot] += 1;
                failures.push(format!(
                    "{label} ({}): passes now but is listed in KNOWN_FAILURES: take it off the list",
                    method.name()
                ));
            }
            (Err(reason), None) => failures.push(format!("{label} ({}): {reason}", method.name())),
            (Err(reason), Some(why)) => known.push(format!(
                "{label} ({}): {reason} [known picklefix bug: {why}]",
                method.name()
            )),
        }
    }

    let total = cases.len();
    for f in &failures {
        println!("FAIL {f}");
    }
    for k in &known {
        println!("KNOWN {k}");
    }
    for (m, pass) in methods.iter().zip(&passes) {
        let known_here = known
            .iter()
            .filter(|k| k.contains(&format!(" ({}): ", m.name())))
            .count();
        let note = if known_here > 0 {
            format!(" ({known_here} known failing, see KNOWN_FAILURES)")
        } else {
            String::new()
        };
        println!("{}: {pass}/{total} behaviour cases pass{note}", m.name());
    }
    println!(
        "{} cases x {} start methods in {:.1}s ({jobs} jobs)",
        total,
        methods.len(),
        started.elapsed().as_secs_f64()
    );
    if !known.is_empty() {
        println!(
            "{} run(s) fail as known (KNOWN_FAILURES in tests/behaviour.rs):\n  {}",
            known.len(),
            known.join("\n  ")
        );
    }
    keep_if_asked(tmp);

    if !failures.is_empty() {
        let per_method: Vec<String> = methods
            .iter()
            .zip(&passes)
            .map(|(m, pass)| format!("{}: {pass}/{total}", m.name()))
            .collect();
        panic!(
            "behaviour cases pass {}; {} failing:\n  {}",
            per_method.join(", "),
            failures.len(),
            failures.join("\n  ")
        );
    }
}

/// The shim, checked directly: under `forkserver` every way the cases ask for `spawn` gives
/// forkserver, the default is forkserver, `fork` stays fork, and a worker really is forked by the
/// forkserver (its parent is not the main process); under `spawn` the same program sees spawn.
#[test]
fn start_method_shim_self_test() {
    let available = require_python3();
    const SNIPPET: &str = r#"import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor


def report(key, value):
    print(key, value, flush=True)


if __name__ == "__main__":
    report("unset", mp.get_start_method(allow_none=True))
    report("get_context_spawn", mp.get_context("spawn").get_start_method())
    report("get_context_fork", mp.get_context("fork").get_start_method())
    report("get_context_forkserver", mp.get_context("forkserver").get_start_method())
    report("context_get_context_spawn", mp.get_context("fork").get_context("spawn").get_start_method())
    mp.set_start_method("spawn")
    report("set_start_method_spawn", mp.get_start_method())
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as ex:
        report("executor_mp_context_spawn", ex._mp_context.get_start_method())
        report("worker_parent_is_main", ex.submit(os.getppid).result() == os.getpid())
    mp.set_start_method(None, force=True)
    report("default", mp.get_start_method())
    with ProcessPoolExecutor(1) as ex:
        report("executor_default", ex._mp_context.get_start_method())
        report("default_worker_parent_is_main", ex.submit(os.getppid).result() == os.getpid())
"#;
    let tmp = temp_root("picklefix-shim-");
    let mut failures = Vec::new();
    for method in start_methods(&available) {
        let m = method.name();
        // spawn: a worker is the main process's child; forkserver: the server's
        let parent_is_main = if method == StartMethod::Forkserver {
            "False"
        } else {
            "True"
        };
        let want = [
            "unset None".to_string(),
            format!("get_context_spawn {m}"),
            "get_context_fork fork".to_string(),
            "get_context_forkserver forkserver".to_string(),
            format!("context_get_context_spawn {m}"),
            format!("set_start_method_spawn {m}"),
            format!("executor_mp_context_spawn {m}"),
            format!("worker_parent_is_main {parent_is_main}"),
            format!("default {m}"),
            format!("executor_default {m}"),
            format!("default_worker_parent_is_main {parent_is_main}"),
        ]
        .join("\n");
        let folder = tmp.path().join(m);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("snippet.py"), SNIPPET).unwrap();
        let starts = tmp.path().join(format!("{m}.starts.log"));
        let mut py = python_under(method, &starts);
        py.arg("snippet.py").current_dir(&folder);
        let outcome = run_captured(
            &mut py,
            &tmp.path().join(format!("{m}.python.log")),
            PYTHON_TIMEOUT,
            None,
        )
        .unwrap();
        let got = outcome.output.trim_end();
        if outcome.status.is_none_or(|s| !s.success()) || got != want {
            failures.push(format!(
                "shim under {m}: exit {:?}\n--- expected\n{want}\n--- got\n{got}",
                outcome.status
            ));
            continue;
        }
        let log = StartLog::read(&starts).unwrap();
        if let Err(e) = log.check(method) {
            failures.push(format!("shim under {m}: {e}"));
        } else if log.starts.len() != 2 {
            failures.push(format!(
                "shim under {m}: logged {} process starts, expected the 2 workers: {:?}",
                log.starts.len(),
                log.starts
            ));
        }
    }
    keep_if_asked(tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Originals that must still fail under each start method before picklefix rewrites them (so a
/// passing run after the rewrite means something), with a piece of the error each must show.
const FAILING_ORIGINALS: &[(&str, &str)] = &[
    // a bound method of an instance holding a lock
    ("behaviour/page_process_lock", "_thread.lock"),
    // a lambda handed to Pool.map
    ("behaviour/lambda_pool_map", "<lambda>"),
    // a local function handed to submit
    ("behaviour/local_def_submit", "shout"),
    // a function defined under `if __name__ == "__main__":` (workers import the main module as
    // __mp_main__ and do not find it; the pool then keeps replacing dying workers, so stop early)
    ("behaviour/main_guard_function", "__mp_main__"),
    // the lock-holding instance pickled with the Process object / the pool initializer
    ("behaviour/process_target_spawn", "_thread.lock"),
    ("behaviour/pool_initializer_spawn", "_thread.lock"),
];

/// Originals from `FAILING_ORIGINALS` that work under `fork`: they fail under spawn and
/// forkserver only because those start workers afresh, so their failing shows the run really
/// used such a method.
const FORK_ONLY_ORIGINALS: &[&str] = &[
    "behaviour/main_guard_function",
    "behaviour/process_target_spawn",
    "behaviour/pool_initializer_spawn",
];

/// Each original in `FAILING_ORIGINALS` fails under each start method (spawn and forkserver),
/// with its error, with every process started by that method; those in `FORK_ONLY_ORIGINALS`
/// pass under fork.
#[test]
fn originals_fail_under_each_start_method() {
    let available = require_python3();
    let methods = start_methods(&available);
    let tmp = temp_root("picklefix-originals-");
    let cases = all_cases(tmp.path());
    let find = |label: &str| {
        cases
            .iter()
            .find(|c| c.label == label)
            .unwrap_or_else(|| panic!("no case {label}"))
    };

    // (case, method, the error its original shows when it fails, whether it must fail)
    let mut runs: Vec<(&Case, StartMethod, &str, bool)> = Vec::new();
    for &(label, needle) in FAILING_ORIGINALS {
        for &m in &methods {
            runs.push((find(label), m, needle, true));
        }
    }
    for &label in FORK_ONLY_ORIGINALS {
        let (_, needle) = FAILING_ORIGINALS
            .iter()
            .find(|(l, _)| *l == label)
            .unwrap_or_else(|| {
                panic!("{label} is in FORK_ONLY_ORIGINALS, not in FAILING_ORIGINALS")
            });
        runs.push((find(label), StartMethod::Fork, needle, false));
    }

    let results = par_map(&runs, jobs(), |&(case, method, needle, must_fail)| {
        let original = read(&case.dir.join("input.py"))?;
        let expect = read_expect(case)?;
        let run = format!("original-{}", method.name());
        // stop as soon as the error shows: some originals then hang (see FAILING_ORIGINALS)
        let (outcome, log) = run_python(
            case,
            &run,
            &original,
            method,
            ORIGINAL_TIMEOUT,
            Some(needle),
        )?;
        log.check(method)?;
        let got = outcome.output.trim_end_matches('\n');
        let passed = outcome.status.is_some() && got == expect.trim_end_matches('\n');
        let timed_out = if outcome.status.is_none() && !outcome.stopped {
            format!(" (timed out after {}s)", ORIGINAL_TIMEOUT.as_secs())
        } else {
            String::new()
        };
        if !must_fail {
            return if passed {
                Ok(())
            } else {
                Err(format!(
                    "the original fails under fork too{timed_out}, so it does not show what {} change: {}",
                    methods
                        .iter()
                        .map(|m| m.name())
                        .collect::<Vec<_>>()
                        .join("/"),
                    tail(&outcome.output, 2)
                ))
            };
        }
        if passed {
            return Err("the original passes, so this run cannot tell a fix from no fix".into());
        }
        if !outcome.output.contains(needle) {
            return Err(format!(
                "the original fails, but without {needle:?}{timed_out}: {}",
                tail(&outcome.output, 2)
            ));
        }
        if log.starts.is_empty() {
            return Err("no process was started, so the start method was never used".into());
        }
        Ok(())
    });

    let failures: Vec<String> = runs
        .iter()
        .zip(results)
        .filter_map(|(&(case, method, _, _), r)| match r {
            Some(Ok(())) => None,
            Some(Err(e)) => Some(format!("{} ({}, original): {e}", case.label, method.name())),
            None => Some(format!(
                "{} ({}, original): did not run",
                case.label,
                method.name()
            )),
        })
        .collect();
    keep_if_asked(tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
