//! Behaviour tests for what picklefix says cannot be pickled (PF005, PF006 and the instance
//! notes of PF001): each program in `tests/behaviour/unpicklable/` is checked by picklefix and
//! then run with real python3 under spawn and under forkserver (through the start-method shim
//! of tests/behaviour.rs, which turns the program's request for spawn into the method under
//! test).
//!
//! * `pos_*`: picklefix names exactly one exception (`→ TypeError: …` in a finding), and the
//!   program fails with that very exception under each method (`…` in the named text stands
//!   for an address or a module name and matches anything);
//! * `neg_*`: picklefix reports no PF005/PF006 and no `pickling fails` note, and the program
//!   exits 0 under each method.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CASES: &str = "tests/behaviour/unpicklable";
const SHIM_DIR: &str = "tests/behaviour/start_method_shim";
const METHODS: &[&str] = &["spawn", "forkserver"];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join(CASES))
        .expect("the cases folder exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    out.sort();
    out
}

/// The messages picklefix reports for `program` (checked alone, in a folder of its own).
fn messages(program: &Path, dir: &Path) -> Vec<(String, String)> {
    let file = dir.join("input.py");
    std::fs::copy(program, &file).expect("copy the case");
    let out = Command::new(env!("CARGO_BIN_EXE_picklefix"))
        .args(["--output-format", "json", "--isolated", "--select"])
        .arg("PF001,PF002,PF003,PF004,PF005,PF006")
        .arg(&file)
        .current_dir(dir)
        .output()
        .expect("picklefix runs");
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}: picklefix failed: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json output");
    json.as_array()
        .expect("a list of findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The exceptions named after `→` in a message.
fn named_exceptions(message: &str) -> Vec<String> {
    message
        .split(" → ")
        .skip(1)
        .map(|rest| rest.split("; ").next().unwrap_or(rest).to_string())
        .collect()
}

/// `needle` occurs in `text`, `…` matching any run of characters on one line.
fn shows(text: &str, needle: &str) -> bool {
    text.lines().any(|line| {
        let mut rest = line;
        for piece in needle.split('…') {
            match rest.find(piece) {
                Some(at) => rest = &rest[at + piece.len()..],
                None => return false,
            }
        }
        true
    })
}

/// Runs `program` under `method` with the shim; (exit success, stdout+stderr).
fn run_python(program: &Path, dir: &Path, method: &str) -> (bool, String) {
    let work = dir.join(method);
    std::fs::create_dir_all(&work).expect("work folder");
    std::fs::copy(program, work.join("input.py")).expect("copy the case");
    let out = Command::new("python3")
        .arg("input.py")
        .current_dir(&work)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONPATH", manifest_dir().join(SHIM_DIR))
        .env("PICKLEFIX_START_METHOD", method)
        .env("PICKLEFIX_START_LOG", work.join("starts.log"))
        .env_remove("PICKLEFIX_SHIM_PID")
        .stdin(Stdio::null())
        .output()
        .expect("python3 runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    let log = std::fs::read_to_string(work.join("starts.log")).unwrap_or_default();
    assert!(
        log.lines()
            .any(|l| l.starts_with(&format!("shim {method} "))),
        "{}: the start-method shim did not load for {method}",
        program.display()
    );
    (out.status.success(), text)
}

#[test]
fn named_exceptions_are_the_ones_python_raises() {
    let cases = cases();
    assert!(cases.len() >= 10, "cases missing: {}", cases.len());
    let mut failures = Vec::new();
    for program in &cases {
        let name = program.file_stem().unwrap().to_string_lossy().to_string();
        let tmp = tempfile::tempdir().expect("temp folder");
        let found = messages(program, tmp.path());
        let mut exceptions: Vec<String> = found
            .iter()
            .flat_map(|(_, m)| named_exceptions(m))
            .collect();
        exceptions.dedup();
        let positive = name.starts_with("pos_");
        if positive && exceptions.len() != 1 {
            failures.push(format!(
                "{name}: expected one named exception, got {exceptions:?} in {found:?}"
            ));
            continue;
        }
        if !positive {
            let wrong: Vec<_> = found
                .iter()
                .filter(|(code, m)| {
                    code == "PF005" || code == "PF006" || m.contains("pickling fails")
                })
                .collect();
            if !wrong.is_empty() {
                failures.push(format!("{name}: a negative case is reported: {wrong:?}"));
                continue;
            }
        }
        for method in METHODS {
            let (ok, output) = run_python(program, tmp.path(), method);
            if positive {
                let exception = &exceptions[0];
                if ok || !shows(&output, exception) {
                    failures.push(format!(
                        "{name} ({method}): expected it to fail with {exception:?}, got: {}",
                        output.lines().last().unwrap_or_default()
                    ));
                }
            } else if !ok {
                failures.push(format!(
                    "{name} ({method}): a negative case fails: {}",
                    output.lines().last().unwrap_or_default()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ellipsis_matches_within_a_line() {
    assert!(shows(
        "x\n_pickle.PicklingError: Can't pickle <function <lambda> at 0x7f>: attribute lookup <lambda> on __main__ failed",
        "_pickle.PicklingError: Can't pickle <function <lambda> at 0x…>: attribute lookup <lambda> on … failed"
    ));
    assert!(!shows(
        "TypeError: cannot pickle 'x' object",
        "TypeError: cannot pickle 'y' object"
    ));
    assert!(shows("  TypeError: a", "TypeError: a"));
}
