//! Multi-file behaviour tests: a project tree is rewritten four ways — as one folder, one
//! invocation per file (pre-commit, editors), every file on one command line
//! (`git ls-files | xargs`), and each top-level entry as its own root (`picklefix src
//! tests`) — and all four must leave the same bytes (verdicts never depend on the paths
//! given). Then `python3 main.py` runs on the result under spawn and forkserver and must
//! print `expect.txt`.
//!
//! A case is `tests/behaviour/trees/<case>/` with `tree/` (the project, entry point
//! `tree/main.py`), `expect.txt`, `mode` (`fix`: some file changes; `unchanged`: none may) and
//! optionally an empty file `git` (the tree is made a git repository, so the project root is
//! the work tree), `refusal_ok` (a `fix` case where leaving everything unchanged is also
//! right) and `notes.txt` (what the trap is).
//!
//! A tree without git or a marker gets an empty `setup.cfg` at its root, so every way of
//! naming it finds the same project.
//!
//! `PICKLEFIX_TREES_FILTER=substr` runs only matching cases; `PICKLEFIX_TREES_DIR=dir` runs
//! the cases of another folder.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PYTHON_TIMEOUT: Duration = Duration::from_secs(90);

type Snapshot = BTreeMap<PathBuf, Vec<u8>>;

/// Cases that fail today, each a picklefix bug still open (a listed case that passes fails the
/// test, so the list stays honest).
const KNOWN_FAILURES: &[&str] = &[
    "json_config_names_private_method",
    "design_gitignored_subclass_override",
    "enum_values_name_methods",
    "pytest_custom_python_functions_glob",
    "setattr_name_built_at_run_time",
];

const MARKERS: &[&str] = &["pyproject.toml", "setup.py", "setup.cfg"];

fn cases_root() -> PathBuf {
    match std::env::var_os("PICKLEFIX_TREES_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/behaviour/trees"),
    }
}

fn shim_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/behaviour/start_method_shim")
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::copy(&entry, &dest).unwrap();
    }
}

/// Every file below `dir` (no `.git`, no `__pycache__`), sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name == ".git" || name == "__pycache__" {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn snapshot(dir: &Path) -> Snapshot {
    walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "git {args:?} failed in {}", dir.display());
}

/// `picklefix --write --allow-dirty ARGS` in `dir`; Err with its output when it exits 2.
fn picklefix(dir: &Path, args: &[String]) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_picklefix"))
        .args(["--write", "--allow-dirty", "--no-progress"])
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| e.to_string())?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    match out.status.code() {
        // 2: a file was reported (a syntax error, say); the comparison of trees judges it.
        Some(0..=2) => Ok(text),
        _ => Err(format!("picklefix {args:?} failed: {text}")),
    }
}

/// The four ways to name the same project.
fn variants(tree: &Path) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let files: Vec<String> = walk(tree)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .map(|p| p.strip_prefix(tree).unwrap().to_string_lossy().to_string())
        .collect();
    let mut tops: Vec<String> = fs::read_dir(tree)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n != ".git" && n != "__pycache__")
        .collect();
    tops.sort();
    vec![
        ("folder", vec![vec![".".to_string()]]),
        (
            "file by file",
            files.iter().map(|f| vec![f.clone()]).collect(),
        ),
        ("all files", vec![files.clone()]),
        ("top-level roots", vec![tops]),
    ]
}

/// `python3 main.py` in `dir` under `method`, stdout and stderr together.
fn run_main(dir: &Path, method: &str) -> Result<String, String> {
    let log = dir.join(format!("../starts-{method}.log"));
    let mut child = Command::new("python3")
        .arg("main.py")
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONPATH", shim_dir())
        .env("PICKLEFIX_START_METHOD", method)
        .env("PICKLEFIX_START_LOG", &log)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    while child.try_wait().map_err(|e| e.to_string())?.is_none() {
        if start.elapsed() > PYTHON_TIMEOUT {
            let _ = child.kill();
            return Err(format!("python3 timed out under {method}"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let starts = fs::read_to_string(&log).unwrap_or_default();
    if !starts
        .lines()
        .any(|l| l.starts_with(&format!("shim {method}")))
    {
        return Err(format!("the start-method shim did not load for {method}"));
    }
    Ok(format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

fn check_case(case: &Path) -> Result<(), String> {
    let mode = fs::read_to_string(case.join("mode")).map_err(|e| format!("mode: {e}"))?;
    let expect = fs::read_to_string(case.join("expect.txt")).map_err(|e| format!("expect: {e}"))?;
    let is_git = case.join("git").exists();
    let work = tempfile::tempdir().map_err(|e| e.to_string())?;
    let original_tree = case.join("tree");
    let mut original = snapshot(&original_tree);
    let mut results: Vec<(&str, Snapshot, String)> = Vec::new();
    for (i, (label, invocations)) in variants(&original_tree).into_iter().enumerate() {
        let dir = work.path().join(format!("v{i}"));
        copy_tree(&original_tree, &dir);
        // A project needs a root that does not depend on the path named: without git, a
        // marker file (a tree may bring its own pyproject.toml).
        if !is_git && !MARKERS.iter().any(|m| dir.join(m).exists()) {
            fs::write(dir.join("setup.cfg"), "").map_err(|e| e.to_string())?;
        }
        if is_git {
            git(&dir, &["init", "-q"]);
            git(&dir, &["add", "-A"]);
            git(&dir, &["commit", "-qm", "init"]);
        }
        let mut log = String::new();
        for args in invocations {
            log.push_str(&picklefix(&dir, &args).map_err(|e| format!("{label}: {e}"))?);
        }
        results.push((label, snapshot(&dir), log));
    }
    let (_, first, first_log) = &results[0];
    for (label, snap, log) in &results[1..] {
        if snap != first {
            let differing: Vec<String> = first
                .iter()
                .filter(|(p, b)| snap.get(*p) != Some(b))
                .map(|(p, _)| p.display().to_string())
                .collect();
            return Err(format!(
                "`{label}` rewrote differently from `folder` ({}):\n--- folder\n{first_log}\n--- {label}\n{log}",
                differing.join(", ")
            ));
        }
    }
    if !is_git && !MARKERS.iter().any(|m| original_tree.join(m).exists()) {
        original.insert(PathBuf::from("setup.cfg"), Vec::new());
    }
    match mode.trim() {
        "unchanged" if first != &original => {
            return Err(format!("changed a file, must change none:\n{first_log}"))
        }
        // `refusal_ok`: a correct fix exists, but refusing is correct too.
        "fix" if first == &original && !case.join("refusal_ok").exists() => {
            return Err(format!("changed nothing, must fix:\n{first_log}"))
        }
        "unchanged" | "fix" => {}
        other => return Err(format!("unknown mode {other:?}")),
    }
    let fixed = work.path().join("v0");
    let again = snapshot(&fixed);
    picklefix(&fixed, &[".".to_string()])?;
    if snapshot(&fixed) != again {
        return Err("a second --write changed something".to_string());
    }
    for method in ["spawn", "forkserver"] {
        let got = run_main(&fixed, method)?;
        if got.trim_end() != expect.trim_end() {
            return Err(format!(
                "under {method} prints\n{got}\nexpected\n{expect}\npicklefix said:\n{first_log}"
            ));
        }
    }
    Ok(())
}

#[test]
fn project_trees_rewrite_the_same_whatever_paths_are_given_and_still_run() {
    let mut cases: Vec<PathBuf> = fs::read_dir(cases_root())
        .expect("tests/behaviour/trees exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("tree").is_dir())
        .collect();
    cases.sort();
    if let Ok(filter) = std::env::var("PICKLEFIX_TREES_FILTER") {
        cases.retain(|c| c.to_string_lossy().contains(&filter));
    }
    assert!(!cases.is_empty(), "no tree cases");
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let chunks: Vec<Vec<PathBuf>> = (0..jobs)
        .map(|j| cases.iter().skip(j).step_by(jobs).cloned().collect())
        .collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|c| {
                            let name = c.file_name().unwrap().to_string_lossy().to_string();
                            let known = KNOWN_FAILURES.contains(&name.as_str());
                            match (check_case(c), known) {
                                (Ok(()), false) | (Err(_), true) => None,
                                (Ok(()), true) => {
                                    Some(format!("{name}: passes now; take it off KNOWN_FAILURES"))
                                }
                                (Err(e), false) => Some(format!("{name}: {e}")),
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec!["a worker panicked".into()])
            })
            .collect()
    });
    println!("{} tree cases, {} failing", cases.len(), failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} tree cases fail:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
