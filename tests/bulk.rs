//! Bulk runs (issue 6): several roots in one run with their own `[tool.picklefix]`, the
//! per-repository summary and `--statistics`, `--write` refusing files with uncommitted git
//! changes, suppression comments, SARIF output, the JSON shape, the progress bar, `--jobs`,
//! `--quiet`, `--color` and shell completions; and bulk migration (issue 15): `--report`,
//! `--patch-dir`, `--commit`/`--branch`, `@FILE` root lists and SARIF `invocations`.
//!
//! Every test builds real files (and real git repositories) in a temporary folder and runs
//! the binary there with relative paths. `GIT_CEILING_DIRECTORIES` stops git from finding a
//! repository above the temporary folder, and the user's git configuration is not read.

mod common;
use common::{CLASSIC, STATEFUL};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------

/// A local function closing over a local: PF003 with only an unsafe fix.
const CLOSURE: &str = r#"from concurrent.futures import ProcessPoolExecutor


def main(xs):
    k = 3

    def work(x):
        return x * k

    with ProcessPoolExecutor() as pool:
        return list(pool.map(work, xs))
"#;

/// A lambda closing over nothing: PF002 with a safe fix, at 6:30.
const LAMBDA: &str = r#"from concurrent.futures import ProcessPoolExecutor


def main(xs):
    with ProcessPoolExecutor() as pool:
        return list(pool.map(lambda x: x + 1, xs))
"#;

/// PF001 (line 11) and PF002 (line 12) in one file, both with safe fixes.
const MIXED: &str = r#"import threading
from concurrent.futures import ProcessPoolExecutor


class Job:
    def work(self, x):
        return x * 2

    def run(self, xs):
        with ProcessPoolExecutor() as pool:
            a = list(pool.map(self.work, xs))
            b = list(pool.map(lambda x: x + 1, xs))
        return a, b
"#;

/// Names a pool (so the prefilter lets it through) but does not parse.
const BROKEN: &str = "from concurrent.futures import ProcessPoolExecutor\n\ndef f(:\n    pass\n";

/// Nothing to report.
const PLAIN: &str = "import os\n\n\ndef f():\n    return os.getcwd()\n";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The temporary folder every test works in, canonical (git prints canonical paths).
fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn canonical(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap()
}

/// Runs picklefix in `dir`; git never looks above `dir`. Fails on a timeout or a panic.
fn pf(dir: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("picklefix")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("GIT_CEILING_DIRECTORIES", canonical(dir))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        // The identity of `--commit`'s commits.
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@t")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@t")
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let o = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_ne!(o.code, -1, "killed by a signal or timed out: {o:#?}");
    assert!(!o.stderr.contains("panicked"), "panic: {o:#?}");
    o
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn read(dir: &Path, name: &str) -> String {
    String::from_utf8(std::fs::read(dir.join(name)).unwrap()).unwrap()
}

/// Runs git in `dir` (isolated from the user's configuration); fails the test if git fails.
fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A git repository at `dir/name` holding `files`, all committed.
fn repo(dir: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = dir.join(name);
    std::fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q"]);
    for (file, text) in files {
        write(&root, file, text);
    }
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "--allow-empty", "-m", "init"]);
    root
}

fn json(stdout: &str) -> Vec<Value> {
    match serde_json::from_str(stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("not a JSON array: {other:?}\n{stdout}"),
    }
}

/// `(filename, code)` of every finding in a JSON report, sorted.
fn reported(o: &Out) -> Vec<(String, String)> {
    assert_eq!(o.code, 0, "{o:#?}");
    let mut v: Vec<(String, String)> = json(&o.stdout)
        .iter()
        .map(|f| {
            (
                f["filename"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

fn assert_classic_fixed(dir: &Path, name: &str) {
    let text = read(dir, name);
    assert!(
        text.contains("\ndef _single_process(page):\n    return len(page.strip())\n"),
        "{name} not fixed:\n{text}"
    );
    assert!(
        text.contains("pool.map(_single_process, pages)"),
        "{name}:\n{text}"
    );
}

fn assert_closure_fixed(dir: &Path, name: &str) {
    let text = read(dir, name);
    assert!(
        text.contains("functools.partial(") && !text.contains("    def work(x):"),
        "{name}: unsafe fix not applied:\n{text}"
    );
}

/// The rows of the per-root table that starts at the line beginning with `root `: each row
/// split on runs of two or more spaces (cells never hold two spaces in a row).
fn table(text: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("root "))
        .unwrap_or_else(|| panic!("no table in:\n{text}"));
    lines[start..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect()
        })
        .collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

// ---------------------------------------------------------------------------------------
// Several roots, each with its own [tool.picklefix]
// ---------------------------------------------------------------------------------------

#[test]
fn each_root_uses_its_own_pyproject_ignore() {
    let dir = tmp();
    let d = dir.path();
    let r1 = repo(d, "repo1", &[("classic.py", CLASSIC)]);
    let r2 = repo(
        d,
        "repo2",
        &[
            ("classic.py", CLASSIC),
            ("pyproject.toml", "[tool.picklefix]\nignore = [\"PF001\"]\n"),
        ],
    );
    let r3 = repo(
        d,
        "repo3",
        &[
            ("pkg/classic.py", CLASSIC),
            ("pyproject.toml", "[project]\nname = \"r3\"\n"),
        ],
    );
    let o = pf(d, &["--write", "repo1", "repo2", "repo3"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_classic_fixed(&r1, "classic.py");
    assert_eq!(read(&r2, "classic.py"), CLASSIC, "repo2 ignores PF001");
    assert_classic_fixed(&r3, "pkg/classic.py");
    assert!(!o.stdout.contains("repo2/"), "{o:#?}");

    // The same roots in another order: each still uses its own file.
    let o = pf(d, &["--output-format", "json", "repo2", "repo1"]);
    assert_eq!(reported(&o), vec![], "everything fixed or ignored");
}

#[test]
fn nearest_pyproject_with_a_picklefix_table_configures_a_subfolder_root() {
    let dir = tmp();
    let d = dir.path();
    repo(
        d,
        "proj",
        &[
            ("pyproject.toml", "[tool.picklefix]\nignore = [\"PF001\"]\n"),
            ("pkg/pyproject.toml", "[project]\nname = \"pkg\"\n"),
            ("pkg/mixed.py", MIXED),
        ],
    );
    let o = pf(d, &["--output-format", "json", "proj/pkg"]);
    assert_eq!(reported(&o), pairs(&[("proj/pkg/mixed.py", "PF002")]));
    // A root given as a file finds the same configuration.
    let o = pf(d, &["--output-format", "json", "proj/pkg/mixed.py"]);
    assert_eq!(reported(&o), pairs(&[("proj/pkg/mixed.py", "PF002")]));
}

#[test]
fn config_select_and_command_line_select_and_ignore() {
    let dir = tmp();
    let d = dir.path();
    write(
        d,
        "sel/pyproject.toml",
        "[tool.picklefix]\nselect = [\"PF002\"]\n",
    );
    write(d, "sel/mixed.py", MIXED);
    write(
        d,
        "ign/pyproject.toml",
        "[tool.picklefix]\nignore = [\"PF001\"]\n",
    );
    write(d, "ign/mixed.py", MIXED);
    write(d, "none/mixed.py", MIXED);

    let j = ["--output-format", "json"];
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = j.to_vec();
        args.extend_from_slice(extra);
        reported(&pf(d, &args))
    };
    // The files' own settings.
    assert_eq!(
        run(&["sel", "ign", "none"]),
        pairs(&[
            ("sel/mixed.py", "PF002"),
            ("ign/mixed.py", "PF002"),
            ("none/mixed.py", "PF001"),
            ("none/mixed.py", "PF002"),
        ])
    );
    // --select replaces the file's select, and is not taken away by the file's ignore.
    assert_eq!(
        run(&["--select", "PF001", "sel", "ign", "none"]),
        pairs(&[
            ("sel/mixed.py", "PF001"),
            ("ign/mixed.py", "PF001"),
            ("none/mixed.py", "PF001"),
        ])
    );
    // --ignore always applies.
    assert_eq!(run(&["--ignore", "PF002", "sel", "ign"]), vec![]);

    // With --write, only the selected rule is fixed.
    let o = pf(d, &["--write", "sel"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let text = read(d, "sel/mixed.py");
    assert!(text.contains("pool.map(self.work, xs)"), "{text}");
    assert!(!text.contains("lambda"), "{text}");
}

#[test]
fn config_exclude_is_relative_to_the_pyproject() {
    let dir = tmp();
    let d = dir.path();
    write(
        d,
        "proj/pyproject.toml",
        "[tool.picklefix]\nexclude = [\"gen/*\", \"*.gen.py\"]\n",
    );
    for f in [
        "proj/main.py",
        "proj/gen/a.py",
        "proj/src/gen/b.py",
        "proj/src/c.gen.py",
        "proj/src/d.py",
    ] {
        write(d, f, LAMBDA);
    }
    let o = pf(d, &["--output-format", "json", "proj"]);
    assert_eq!(
        reported(&o),
        pairs(&[
            ("proj/main.py", "PF002"),
            ("proj/src/d.py", "PF002"),
            // `gen/*` is anchored at the pyproject: proj/src/gen is another folder.
            ("proj/src/gen/b.py", "PF002"),
        ])
    );
    // --exclude on the command line adds to the file's list.
    let o = pf(d, &["--output-format", "json", "--exclude", "d.py", "proj"]);
    assert_eq!(
        reported(&o),
        pairs(&[("proj/main.py", "PF002"), ("proj/src/gen/b.py", "PF002")])
    );
    // --write leaves excluded files alone.
    let o = pf(d, &["--write", "proj"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(read(d, "proj/gen/a.py"), LAMBDA);
    assert_eq!(read(d, "proj/src/c.gen.py"), LAMBDA);
    assert_ne!(read(d, "proj/src/gen/b.py"), LAMBDA);
}

#[test]
fn config_exclude_is_rebased_when_the_root_is_a_subfolder() {
    let dir = tmp();
    let d = dir.path();
    write(
        d,
        "proj/pyproject.toml",
        "[tool.picklefix]\nexclude = [\"gen/*\", \"*.gen.py\", \"src/lib/*\"]\n",
    );
    for f in [
        "proj/gen/z.py",
        "proj/src/main.py",
        "proj/src/gen/a.py",
        "proj/src/lib/b.py",
        "proj/src/c.gen.py",
        "proj/src/deep/d.gen.py",
        "proj/src/x/lib/e.py",
    ] {
        write(d, f, LAMBDA);
    }
    let o = pf(d, &["--output-format", "json", "proj/src"]);
    assert_eq!(
        reported(&o),
        pairs(&[
            ("proj/src/main.py", "PF002"),
            // `gen/*` means proj/gen, outside this root: it must not hide proj/src/gen.
            ("proj/src/gen/a.py", "PF002"),
            // `src/lib/*` is proj/src/lib only.
            ("proj/src/x/lib/e.py", "PF002"),
        ])
    );
    // Run from inside the subfolder, with `.` as the root.
    let o = pf(&d.join("proj/src"), &["--output-format", "json", "."]);
    let mut names: Vec<String> = reported(&o).into_iter().map(|(f, _)| f).collect();
    names.iter_mut().for_each(|n| {
        *n = n.trim_start_matches("./").to_string();
    });
    names.sort();
    assert_eq!(names, vec!["gen/a.py", "main.py", "x/lib/e.py"]);
}

#[test]

fn config_exclude_with_a_leading_slash_stays_anchored() {
    let dir = tmp();
    let d = dir.path();
    write(
        d,
        "proj/pyproject.toml",
        "[tool.picklefix]\nexclude = [\"/gen\"]\n",
    );
    write(d, "proj/gen/a.py", LAMBDA);
    write(d, "proj/sub/gen/b.py", LAMBDA);
    let o = pf(d, &["--output-format", "json", "proj"]);
    assert_eq!(reported(&o), pairs(&[("proj/sub/gen/b.py", "PF002")]));
}

#[test]

fn config_exclude_rebased_to_one_component_stays_anchored() {
    let dir = tmp();
    let d = dir.path();
    write(
        d,
        "proj/pyproject.toml",
        "[tool.picklefix]\nexclude = [\"pkg/gen\"]\n",
    );
    write(d, "proj/pkg/gen/a.py", LAMBDA);
    write(d, "proj/pkg/sub/gen/b.py", LAMBDA);
    // From the project root, `pkg/gen` is only proj/pkg/gen.
    let o = pf(d, &["--output-format", "json", "proj"]);
    assert_eq!(reported(&o), pairs(&[("proj/pkg/sub/gen/b.py", "PF002")]));
    // The same files must be excluded when the root is the subfolder.
    let o = pf(d, &["--output-format", "json", "proj/pkg"]);
    assert_eq!(reported(&o), pairs(&[("proj/pkg/sub/gen/b.py", "PF002")]));
}

#[test]
fn config_unsafe_fixes_applies_per_root_and_the_flags_override_it() {
    let dir = tmp();
    let d = dir.path();
    let on = "[tool.picklefix]\nunsafe-fixes = true\n";
    let off = "[tool.picklefix]\nunsafe-fixes = false\n";
    let fresh = |name: &str, config: Option<&str>| {
        write(d, &format!("{name}/closure.py"), CLOSURE);
        if let Some(c) = config {
            write(d, &format!("{name}/pyproject.toml"), c);
        }
    };

    fresh("on", Some(on));
    fresh("plain", None);
    fresh("off", Some(off));
    let o = pf(d, &["--write", "on", "plain", "off"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_closure_fixed(&d.join("on"), "closure.py");
    assert_eq!(read(d, "plain/closure.py"), CLOSURE);
    assert_eq!(read(d, "off/closure.py"), CLOSURE);

    // --no-unsafe-fixes beats the file.
    fresh("on", Some(on));
    let o = pf(d, &["--write", "--no-unsafe-fixes", "on"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(read(d, "on/closure.py"), CLOSURE);

    // --unsafe-fixes beats `unsafe-fixes = false`.
    let o = pf(d, &["--write", "--unsafe-fixes", "off"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_closure_fixed(&d.join("off"), "closure.py");

    // The last of the two flags wins.
    fresh("plain", None);
    let o = pf(
        d,
        &["--write", "--unsafe-fixes", "--no-unsafe-fixes", "plain"],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(read(d, "plain/closure.py"), CLOSURE);
    let o = pf(
        d,
        &["--write", "--no-unsafe-fixes", "--unsafe-fixes", "plain"],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    assert_closure_fixed(&d.join("plain"), "closure.py");

    // A dry run shows the unsafe fix as part of the diff when the file enables it.
    fresh("on", Some(on));
    let o = pf(d, &["on"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(
        o.stdout
            .contains("pool.map(functools.partial(_work, k=k), xs)"),
        "{o:#?}"
    );
    assert_eq!(read(d, "on/closure.py"), CLOSURE);
}

#[test]

fn config_unsafe_fixes_summary_does_not_offer_the_flag() {
    let dir = tmp();
    let d = dir.path();
    write(d, "on/closure.py", CLOSURE);
    write(
        d,
        "on/pyproject.toml",
        "[tool.picklefix]\nunsafe-fixes = true\n",
    );
    let o = pf(d, &["--write", "on"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_closure_fixed(&d.join("on"), "closure.py");
    assert!(
        o.stderr.contains("fixed 1 finding in 1 file"),
        "{}",
        o.stderr
    );
    assert!(
        !o.stderr.contains("available with --unsafe-fixes"),
        "{}",
        o.stderr
    );
    assert!(
        !o.stderr.contains("without an automatic fix"),
        "{}",
        o.stderr
    );
}

#[test]
fn config_errors_name_the_pyproject_and_exit_2() {
    let cases: &[(&str, &str)] = &[
        ("[tool.picklefix]\nselcet = [\"PF001\"]\n", "selcet"),
        ("[tool.picklefix\nselect = [\"PF001\"]\n", "pyproject.toml"),
        ("[tool.picklefix]\nselect = \"PF001\n", "pyproject.toml"),
        ("[tool.picklefix]\nselect = [\"PF999\"]\n", "PF999"),
        (
            "[tool.picklefix]\nunsafe-fixes = \"yes\"\n",
            "pyproject.toml",
        ),
    ];
    for (config, mentions) in cases {
        let dir = tmp();
        let d = dir.path();
        write(d, "good/classic.py", CLASSIC);
        write(d, "bad/classic.py", CLASSIC);
        write(d, "bad/pyproject.toml", config);
        let o = pf(d, &["--write", "good", "bad"]);
        assert_eq!(o.code, 2, "{config}: {o:#?}");
        let bad = canonical(&d.join("bad/pyproject.toml"));
        assert!(
            o.stderr.contains(&bad.display().to_string())
                || o.stderr.contains("bad/pyproject.toml"),
            "{config}: the file is not named: {}",
            o.stderr
        );
        assert!(o.stderr.contains(mentions), "{config}: {}", o.stderr);
        assert_eq!(read(d, "bad/classic.py"), CLASSIC, "{config}");
    }
}

// ---------------------------------------------------------------------------------------
// The per-repository summary and --statistics
// ---------------------------------------------------------------------------------------

/// Three repositories:
/// - repo1: classic.py (safe fix), plain.py, dirty.py (a safe fix, but edited since commit)
/// - repo2 (`ignore = ["PF001"]`): classic.py (ignored), closure.py (unsafe), broken.py
/// - repo3 (`unsafe-fixes = true`): closure.py (unsafe, applied), lambda.py (safe)
fn three_repos(d: &Path) {
    let r1 = repo(
        d,
        "repo1",
        &[
            ("classic.py", CLASSIC),
            ("plain.py", PLAIN),
            ("dirty.py", CLASSIC),
        ],
    );
    write(&r1, "dirty.py", &format!("{CLASSIC}# edited\n"));
    repo(
        d,
        "repo2",
        &[
            ("pyproject.toml", "[tool.picklefix]\nignore = [\"PF001\"]\n"),
            ("classic.py", CLASSIC),
            ("closure.py", CLOSURE),
            ("broken.py", BROKEN),
        ],
    );
    repo(
        d,
        "repo3",
        &[
            ("pyproject.toml", "[tool.picklefix]\nunsafe-fixes = true\n"),
            ("closure.py", CLOSURE),
            ("lambda.py", LAMBDA),
        ],
    );
}

#[test]
fn several_roots_end_with_a_per_repository_table_on_stderr() {
    let dir = tmp();
    let d = dir.path();
    three_repos(d);

    // Dry run: "fixable"; dirtiness does not matter.
    let o = pf(d, &["--no-diff", "repo1", "repo2", "repo3"]);
    assert_eq!(o.code, 2, "broken.py: {o:#?}");
    assert_eq!(
        table(&o.stderr),
        vec![
            row(&[
                "root",
                "files",
                "findings",
                "fixable",
                "unsafe available",
                "skipped"
            ]),
            row(&["repo1", "3", "2", "2", "0", "-"]),
            row(&["repo2", "3", "1", "0", "1", "1 syntax error"]),
            row(&["repo3", "2", "2", "2", "0", "-"]),
        ],
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("root "), "the table is on stderr");

    // --write: "fixed", and the dirty file is skipped.
    let o = pf(d, &["--write", "repo1", "repo2", "repo3"]);
    assert_eq!(o.code, 2, "{o:#?}");
    let t = table(&o.stderr);
    assert_eq!(
        t,
        vec![
            row(&[
                "root",
                "files",
                "findings",
                "fixed",
                "unsafe available",
                "skipped"
            ]),
            row(&["repo1", "3", "2", "1", "0", "1 uncommitted changes"]),
            row(&["repo2", "3", "1", "0", "1", "1 syntax error"]),
            row(&["repo3", "2", "2", "2", "0", "-"]),
        ],
        "{}",
        o.stderr
    );
    // The header line itself, with its columns two spaces apart.
    let header = o.stderr.lines().find(|l| l.starts_with("root ")).unwrap();
    assert_eq!(
        header,
        "root   files  findings  fixed  unsafe available  skipped"
    );
    // Rows are aligned: every number column ends where its header ends.
    let rows: Vec<&str> = o
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("root "))
        .take(4)
        .collect();
    let end = |l: &str, h: &str| header.find(h).unwrap() + h.len() <= l.len();
    for l in &rows {
        assert!(end(l, "unsafe available"), "{l:?}");
        let col = header.find("findings").unwrap() + "findings".len();
        assert!(
            l.as_bytes()[col - 1].is_ascii_alphanumeric(),
            "right-aligned under `findings`: {l:?}"
        );
    }
}

#[test]
fn table_counts_missing_roots_and_several_skip_reasons() {
    let dir = tmp();
    let d = dir.path();
    let r = repo(
        d,
        "mixed",
        &[
            ("broken.py", BROKEN),
            ("dirty.py", CLASSIC),
            ("clean.py", LAMBDA),
        ],
    );
    write(&r, "dirty.py", &format!("{CLASSIC}# edited\n"));
    write(d, "loose/classic.py", CLASSIC);
    let o = pf(d, &["--write", "mixed", "nope", "loose"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("nope: No such file"), "{}", o.stderr);
    let t = table(&o.stderr);
    assert_eq!(t.len(), 4, "{}", o.stderr);
    assert_eq!(
        t[1],
        row(&[
            "mixed",
            "3",
            "2",
            "1",
            "0",
            "1 syntax error, 1 uncommitted changes"
        ])
    );
    assert_eq!(t[2][..5], row(&["nope", "0", "0", "0", "0"])[..], "{t:?}");
    assert_ne!(
        t[2][5], "-",
        "the missing root is counted as skipped: {t:?}"
    );
    assert_eq!(t[3], row(&["loose", "1", "1", "1", "0", "-"]));
    assert_classic_fixed(&d.join("loose"), "classic.py");
    assert_ne!(read(&r, "clean.py"), LAMBDA);
}

#[test]
fn one_root_prints_no_table() {
    let dir = tmp();
    let d = dir.path();
    write(d, "a/classic.py", CLASSIC);
    let o = pf(d, &["a"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(!o.stderr.contains("unsafe available"), "{}", o.stderr);
    assert!(
        o.stderr.contains("1 finding in 1 file scanned"),
        "{}",
        o.stderr
    );
}

#[test]
fn statistics_counts_findings_per_rule_like_ruff() {
    let dir = tmp();
    let d = dir.path();
    three_repos(d);
    let o = pf(d, &["--statistics", "repo1", "repo2", "repo3"]);
    assert_eq!(o.code, 2, "{o:#?}");
    // count, code, `[*]` all fixable / `[-]` some, name; most frequent first.
    assert_eq!(
        o.stdout,
        "2\tPF001\t[*] bound-method-to-process-pool\n\
         2\tPF003\t[-] local-function-to-process-pool\n\
         1\tPF002\t[*] lambda-to-process-pool\n"
    );
    assert!(
        o.stderr.contains("5 findings in 8 files scanned"),
        "{}",
        o.stderr
    );

    let j = pf(
        d,
        &[
            "--statistics",
            "--output-format",
            "json",
            "repo1",
            "repo2",
            "repo3",
        ],
    );
    let rows = json(&j.stdout);
    let got: Vec<(String, u64, bool, u64)> = rows
        .iter()
        .map(|r| {
            assert_eq!(
                keys(r),
                set(&["code", "name", "count", "fixable", "fixable_count"])
            );
            (
                r["code"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
                r["fixable"].as_bool().unwrap(),
                r["fixable_count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("PF001".to_string(), 2, true, 2),
            ("PF003".to_string(), 2, false, 1),
            ("PF002".to_string(), 1, true, 1),
        ]
    );
    assert!(j.stderr.contains("syntax error"), "{}", j.stderr);

    // Only tables and JSON.
    let sarif = pf(d, &["--statistics", "--output-format", "sarif", "repo1"]);
    assert_eq!(sarif.code, 2, "{sarif:#?}");
    assert!(
        sarif
            .stderr
            .contains("--output-format sarif is not supported"),
        "{}",
        sarif.stderr
    );
    assert_eq!(sarif.stdout, "");
}

#[test]
fn per_repository_prints_the_table_on_stdout() {
    let dir = tmp();
    let d = dir.path();
    three_repos(d);
    let o = pf(d, &["--per-repository", "repo1", "repo2", "repo3"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert_eq!(
        table(&o.stdout),
        vec![
            row(&[
                "root",
                "files",
                "findings",
                "fixable",
                "unsafe available",
                "skipped"
            ]),
            row(&["repo1", "3", "2", "2", "0", "-"]),
            row(&["repo2", "3", "1", "0", "1", "1 syntax error"]),
            row(&["repo3", "2", "2", "2", "0", "-"]),
        ]
    );
    assert_eq!(o.stdout.lines().count(), 4, "only the table: {}", o.stdout);
    assert!(!o.stdout.contains("PF00"), "no findings: {}", o.stdout);
    assert!(!o.stdout.contains("--- a/"), "no diff: {}", o.stdout);
    assert!(!o.stderr.contains("root "), "not twice: {}", o.stderr);
    assert!(!o.stderr.contains("scanned"), "no summary: {}", o.stderr);

    // One root: still a table (that is what was asked for).
    let o = pf(d, &["--per-repository", "repo3"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(
        table(&o.stdout)[1],
        row(&["repo3", "2", "2", "2", "0", "-"])
    );
}

#[test]
fn per_repository_as_json() {
    let dir = tmp();
    let d = dir.path();
    three_repos(d);
    let o = pf(
        d,
        &[
            "--per-repository",
            "--output-format",
            "json",
            "--write",
            "repo1",
            "repo2",
            "repo3",
        ],
    );
    assert_eq!(o.code, 2, "{o:#?}");
    let rows = json(&o.stdout);
    assert_eq!(rows.len(), 3, "{}", o.stdout);
    for r in &rows {
        assert_eq!(
            keys(r),
            set(&[
                "root",
                "config",
                "files_scanned",
                "findings",
                "fixed",
                "unsafe_fixes_available",
                "skipped"
            ]),
            "{r}"
        );
    }
    let skipped = |r: &Value| -> BTreeMap<String, u64> {
        r["skipped"]
            .as_object()
            .unwrap_or_else(|| panic!("skipped is an object: {r}"))
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect()
    };
    let expect = [
        ("repo1", None, 3, 2, 1, 0, vec![("uncommitted changes", 1)]),
        (
            "repo2",
            Some("repo2/pyproject.toml"),
            3,
            1,
            0,
            1,
            vec![("syntax error", 1)],
        ),
        ("repo3", Some("repo3/pyproject.toml"), 2, 2, 2, 0, vec![]),
    ];
    for (r, (root, config, files, findings, fixed, unsafe_, skip)) in rows.iter().zip(expect) {
        assert_eq!(r["root"], root, "{r}");
        match config {
            None => assert!(r["config"].is_null(), "{r}"),
            Some(c) => assert!(r["config"].as_str().is_some_and(|s| s.ends_with(c)), "{r}"),
        }
        assert_eq!(r["files_scanned"], files, "{r}");
        assert_eq!(r["findings"], findings, "{r}");
        assert_eq!(r["fixed"], fixed, "{r}");
        assert_eq!(r["unsafe_fixes_available"], unsafe_, "{r}");
        let want: BTreeMap<String, u64> = skip.into_iter().map(|(k, v)| (k.into(), v)).collect();
        assert_eq!(skipped(r), want, "{r}");
    }
    assert!(!o.stderr.contains("root "), "{}", o.stderr);
}

// ---------------------------------------------------------------------------------------
// --write and uncommitted changes
// ---------------------------------------------------------------------------------------

/// A repository with one clean file and files dirty in every way git knows.
fn dirty_repo(d: &Path) -> (PathBuf, Vec<(&'static str, String)>) {
    let r = repo(
        d,
        "repo",
        &[
            ("clean.py", CLASSIC),
            ("modified.py", CLASSIC),
            ("staged.py", CLASSIC),
            ("with space.py", CLASSIC),
            ("old.py", CLASSIC),
            ("pkg/inner.py", CLASSIC),
            ("pkg/ok.py", CLASSIC),
            ("notes.py", PLAIN),
        ],
    );
    let edited = format!("{CLASSIC}# edited\n");
    write(&r, "modified.py", &edited);
    write(&r, "staged.py", &edited);
    git(&r, &["add", "staged.py"]);
    write(&r, "with space.py", &edited);
    write(&r, "untracked.py", CLASSIC);
    git(&r, &["mv", "old.py", "moved.py"]);
    write(&r, "pkg/inner.py", &edited);
    // Dirty but nothing to fix: not an error.
    write(&r, "notes.py", &format!("{PLAIN}# edited\n"));
    let dirty = vec![
        ("modified.py", edited.clone()),
        ("staged.py", edited.clone()),
        ("with space.py", edited.clone()),
        ("untracked.py", CLASSIC.to_string()),
        ("moved.py", CLASSIC.to_string()),
        ("pkg/inner.py", edited),
    ];
    (r, dirty)
}

#[test]
fn write_refuses_files_with_uncommitted_changes() {
    let dir = tmp();
    let d = dir.path();
    let (r, dirty) = dirty_repo(d);
    let o = pf(d, &["--write", "repo"]);
    assert_eq!(o.code, 2, "{o:#?}");
    for (name, text) in &dirty {
        assert_eq!(&read(&r, name), text, "{name} was rewritten");
        let line = o
            .stderr
            .lines()
            .find(|l| l.contains(&format!("repo/{name}")))
            .unwrap_or_else(|| panic!("{name} not named on stderr:\n{}", o.stderr));
        assert!(line.contains("uncommitted changes"), "{line}");
        assert!(line.contains("--allow-dirty"), "{line}");
    }
    assert_classic_fixed(&r, "clean.py");
    assert_classic_fixed(&r, "pkg/ok.py");
    assert!(!o.stderr.contains("notes.py"), "{}", o.stderr);
    assert!(!o.stderr.contains("clean.py"), "{}", o.stderr);
    assert!(
        o.stderr.contains("fixed 2 findings in 2 files"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("6 files could not be processed"),
        "{}",
        o.stderr
    );

    // --allow-dirty rewrites them all.
    let o = pf(d, &["--write", "--allow-dirty", "repo"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(!o.stderr.contains("uncommitted"), "{}", o.stderr);
    for (name, _) in &dirty {
        assert_classic_fixed(&r, name);
    }
}

#[test]
fn write_refuses_dirty_files_under_a_subfolder_or_file_root() {
    let dir = tmp();
    let d = dir.path();
    let (r, _) = dirty_repo(d);
    let o = pf(d, &["--write", "repo/pkg"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(
        o.stderr.contains("repo/pkg/inner.py") && o.stderr.contains("uncommitted changes"),
        "{}",
        o.stderr
    );
    assert_eq!(read(&r, "pkg/inner.py"), format!("{CLASSIC}# edited\n"));
    assert_classic_fixed(&r, "pkg/ok.py");

    // Named as a file, and from inside the repository.
    let o = pf(&r, &["--write", "modified.py", "untracked.py"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert_eq!(read(&r, "modified.py"), format!("{CLASSIC}# edited\n"));
    assert_eq!(read(&r, "untracked.py"), CLASSIC);
    assert!(o.stderr.contains("modified.py"), "{}", o.stderr);
    assert!(o.stderr.contains("untracked.py"), "{}", o.stderr);
}

#[test]
fn write_outside_any_git_repository_is_fine() {
    let dir = tmp();
    let d = dir.path();
    write(d, "loose/classic.py", CLASSIC);
    write(d, "loose/lambda.py", LAMBDA);
    let o = pf(d, &["--write", "loose"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(!o.stderr.contains("uncommitted"), "{}", o.stderr);
    assert_classic_fixed(&d.join("loose"), "classic.py");
    assert_ne!(read(d, "loose/lambda.py"), LAMBDA);

    // A clean repository next to a loose folder, in one run.
    let r = repo(d, "repo", &[("classic.py", CLASSIC)]);
    write(d, "loose2/classic.py", CLASSIC);
    let o = pf(d, &["--write", "repo", "loose2"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_classic_fixed(&r, "classic.py");
    assert_classic_fixed(&d.join("loose2"), "classic.py");
}

#[test]
fn dry_run_and_check_ignore_dirtiness() {
    let dir = tmp();
    let d = dir.path();
    let (r, dirty) = dirty_repo(d);
    let o = pf(d, &["repo"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(!o.stderr.contains("uncommitted"), "{}", o.stderr);
    assert!(o.stdout.contains("--- a/repo/modified.py"), "{}", o.stdout);
    assert!(o.stdout.contains("--- a/repo/untracked.py"), "{}", o.stdout);

    let o = pf(d, &["--check", "repo"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(!o.stderr.contains("uncommitted"), "{}", o.stderr);
    assert!(!o.stderr.contains("--allow-dirty"), "{}", o.stderr);

    let o = pf(d, &["--check", "--diff", "repo"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(!o.stderr.contains("uncommitted"), "{}", o.stderr);

    for (name, text) in &dirty {
        assert_eq!(&read(&r, name), text, "{name}");
    }
    assert_eq!(read(&r, "clean.py"), CLASSIC);
}

// ---------------------------------------------------------------------------------------
// Suppression comments
// ---------------------------------------------------------------------------------------

const SUPPRESSED: &str = r#"import threading
from concurrent.futures import ProcessPoolExecutor


class Job:
    def __init__(self):
        self.lock = threading.Lock()

    def m1(self, x):
        return x + 1

    def m2(self, x):
        return x + 2

    def m3(self, x):
        return x + 3

    def m4(self, x):
        return x + 4

    def m5(self, x):
        return x + 5

    def m6(self, x):
        return x + 6

    def m7(self, x):
        return x + 7

    def m8(self, x):
        return x + 8

    def m9(self, x):
        return x + 9

    def run(self, xs):
        with ProcessPoolExecutor() as pool:
            a = pool.map(self.m1, xs)  # picklefix: ignore[PF001]
            b = pool.map(self.m2, xs)  # picklefix: ignore
            c = pool.map(self.m3, xs)  # noqa: PF001
            d = pool.map(self.m4, xs)  # noqa
            e = pool.map(self.m5, xs)  # noqa: E501
            f = pool.map(self.m6, xs)  # picklefix: ignore[PF002]
            g = pool.map(
                self.m7,  # noqa: E501, PF001
                xs,
            )
            h = pool.map(  # noqa: PF001
                self.m8,
                xs,
            )
            i = pool.map(self.m9, xs)
            return a, b, c, d, e, f, g, h, i
"#;

#[test]
fn suppression_comments_on_the_line_of_the_callable() {
    let dir = tmp();
    let d = dir.path();
    write(d, "s.py", SUPPRESSED);
    let o = pf(d, &["--output-format", "json", "s.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let mut found: Vec<(u64, String)> = json(&o.stdout)
        .iter()
        .map(|f| {
            (
                f["location"]["row"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let methods: Vec<&str> = found
        .iter()
        .map(|(_, m)| {
            ["m5", "m6", "m8", "m9", "m1", "m2", "m3", "m4", "m7"]
                .into_iter()
                .find(|n| m.contains(&format!("self.{n}`")))
                .unwrap_or("?")
        })
        .collect();
    assert_eq!(methods, vec!["m5", "m6", "m8", "m9"], "{found:?}");
    assert_eq!(
        found.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        vec![42, 43, 49, 52]
    );

    // --write leaves suppressed callables (and their methods) alone.
    let o = pf(d, &["--write", "s.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let text = read(d, "s.py");
    for n in ["m1", "m2", "m3", "m4", "m7"] {
        assert!(
            text.contains(&format!("pool.map(self.{n}, xs)"))
                || text.contains(&format!("self.{n},  #")),
            "{n}:\n{text}"
        );
        assert!(!text.contains(&format!("\ndef {n}(")), "{n}:\n{text}");
    }
    for n in ["m5", "m6", "m9"] {
        assert!(
            text.contains(&format!("pool.map(_{n}, xs)")),
            "{n}:\n{text}"
        );
        assert!(text.contains(&format!("\ndef _{n}(x):")), "{n}:\n{text}");
    }
    // A second run finds only what is suppressed: nothing.
    let o = pf(d, &["--check", "s.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
}

#[test]
fn suppression_applies_per_rule() {
    let dir = tmp();
    let d = dir.path();
    let text = LAMBDA.replace(
        "pool.map(lambda x: x + 1, xs))",
        "pool.map(lambda x: x + 1, xs))  # picklefix: ignore[PF002]",
    );
    write(d, "a.py", &text);
    let text = LAMBDA.replace(
        "pool.map(lambda x: x + 1, xs))",
        "pool.map(lambda x: x + 1, xs))  # noqa: PF001",
    );
    write(d, "b.py", &text);
    let o = pf(d, &["--output-format", "json", "a.py", "b.py"]);
    assert_eq!(reported(&o), pairs(&[("b.py", "PF002")]));
}

#[test]

fn noqa_inside_a_string_literal_does_not_suppress() {
    let dir = tmp();
    let d = dir.path();
    let text = CLASSIC.replace(
        "pool.map(self.single_process, pages)",
        "pool.map(self.single_process, pages or [\"# noqa\"])",
    );
    write(d, "s.py", &text);
    let o = pf(d, &["--output-format", "json", "s.py"]);
    assert_eq!(reported(&o), pairs(&[("s.py", "PF001")]));
}

// ---------------------------------------------------------------------------------------
// SARIF
// ---------------------------------------------------------------------------------------

/// CLASSIC with non-ASCII text (one astral code point) before the callable on its line:
/// `self.single_process` starts at code point column 41 of line 16 (42 in UTF-16 units,
/// 45 in bytes) and ends at 60.
const UNICODE: &str = r#"import threading
from concurrent.futures import ProcessPoolExecutor


class PageProcess:
    """Pagès — 🥒 processing."""

    def __init__(self):
        self.lock = threading.Lock()

    def single_process(self, page):
        return len(page.strip())  # ünïcode

    def run(self, pages):
        with ProcessPoolExecutor() as pool:
            return {"🥒é": list(pool.map(self.single_process, pages))}
"#;

/// Byte offset of a 1-based (line, column in code points) position; a column one past the
/// line's last character is the line's end (before its `\n`).
fn offset(text: &str, line: u64, col: u64) -> usize {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n').expect("line in range") + 1;
    }
    let rest = &text[start..];
    let line_text = &rest[..rest.find('\n').map_or(rest.len(), |i| i + 1)];
    start
        + line_text
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(line_text.len()))
            .nth(col as usize - 1)
            .unwrap_or_else(|| panic!("column {col} out of line {line}"))
}

/// Applies every result's fixes (all their replacements) to `text`.
fn apply_sarif(text: &str, results: &[&Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    for r in results {
        for fix in r["fixes"].as_array().expect("fixes array") {
            for change in fix["artifactChanges"].as_array().expect("artifactChanges") {
                assert_eq!(
                    change["artifactLocation"]["uri"],
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                );
                for rep in change["replacements"].as_array().expect("replacements") {
                    let g = &rep["deletedRegion"];
                    let n = |k: &str| g[k].as_u64().unwrap_or_else(|| panic!("{k}: {g}"));
                    spans.push((
                        offset(text, n("startLine"), n("startColumn")),
                        offset(text, n("endLine"), n("endColumn")),
                        rep["insertedContent"]["text"]
                            .as_str()
                            .expect("insertedContent.text")
                            .to_string(),
                    ));
                }
            }
        }
    }
    // In document order; two insertions at one point keep the order of their results.
    spans.sort_by_key(|s| (s.0, s.1));
    for w in spans.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlapping replacements: {spans:?}");
    }
    let mut out = text.to_string();
    for (start, end, content) in spans.into_iter().rev() {
        out.replace_range(start..end, &content);
    }
    out
}

/// The path (relative to `dir`) a SARIF artifact location names: its `uri` resolved against
/// the run's `originalUriBaseIds`.
fn sarif_path(run: &Value, location: &Value, dir: &Path) -> String {
    let uri = location["uri"].as_str().expect("uri");
    let Some(base) = location["uriBaseId"].as_str() else {
        return uri.to_string();
    };
    let base = run["originalUriBaseIds"][base]["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("base id {base} is defined"));
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    let decode = |s: &str| -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    let full = PathBuf::from(decode(&base["file://".len()..])).join(decode(uri));
    full.strip_prefix(canonical(dir))
        .unwrap_or(&full)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn sarif_output_is_valid_and_its_fixes_equal_what_write_writes() {
    let dir = tmp();
    let d = dir.path();
    let inputs: &[(&str, &str)] = &[
        ("classic.py", CLASSIC),
        ("src/unicode.py", UNICODE),
        ("src/lambda.py", LAMBDA),
        ("src/stateful.py", STATEFUL),
        ("src/closure.py", CLOSURE),
        ("src/mixed.py", MIXED),
    ];
    for (name, text) in inputs {
        write(d, name, text);
    }
    let o = pf(d, &["--output-format", "sarif", "classic.py", "src"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stderr, "", "no summary in SARIF mode");
    let sarif: Value = serde_json::from_str(&o.stdout).expect("valid JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"]
        .as_str()
        .is_some_and(|s| s.contains("sarif")));
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "picklefix");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec!["PF001", "PF002", "PF003", "PF004", "PF005", "PF006", "PF100"]
    );
    for r in rules {
        let help = r["help"]["text"].as_str().unwrap_or("");
        assert!(help.len() > 40, "help.text for {}: {help:?}", r["id"]);
    }

    let results = run["results"].as_array().expect("results");
    for r in results {
        let id = r["ruleId"].as_str().expect("ruleId");
        assert!(ids.contains(&id), "{r}");
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(ids[index], id, "{r}");
        assert!(
            ["warning", "note", "error", "none"].contains(&r["level"].as_str().unwrap()),
            "{r}"
        );
        assert!(r["message"]["text"].as_str().is_some_and(|m| !m.is_empty()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().is_some_and(|n| n >= 1), "{k}: {r}");
        }
    }
    // Each root's files are named relative to its project, under the root's base id.
    let bases = run["originalUriBaseIds"]
        .as_object()
        .expect("originalUriBaseIds");
    assert_eq!(bases.len(), 2, "one per root: {bases:?}");
    let by_uri = |uri: &str| -> Vec<&Value> {
        results
            .iter()
            .filter(|r| {
                let at = &r["locations"][0]["physicalLocation"]["artifactLocation"];
                sarif_path(run, at, d) == uri
            })
            .collect()
    };

    // Exact positions.
    let classic = by_uri("classic.py");
    assert_eq!(classic.len(), 1, "{results:?}");
    assert_eq!(classic[0]["ruleId"], "PF001");
    assert_eq!(classic[0]["level"], "warning");
    let region = &classic[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 14);
    assert_eq!(region["startColumn"], 34);
    assert_eq!(region["endLine"], 14);
    assert_eq!(region["endColumn"], 53);
    let unicode = by_uri("src/unicode.py");
    assert_eq!(unicode.len(), 1, "{results:?}");
    let region = &unicode[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (
            &region["startLine"],
            &region["startColumn"],
            &region["endColumn"]
        ),
        (&Value::from(16), &Value::from(41), &Value::from(60)),
        "columns count code points"
    );
    // No fix for the stateful method, and the reason is in the message.
    let stateful = by_uri("src/stateful.py");
    assert_eq!(stateful.len(), 1);
    assert_eq!(stateful[0]["fixes"], Value::Array(vec![]));
    assert!(stateful[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("not fixed"));
    // The unsafe fix is offered, and says so.
    let closure = by_uri("src/closure.py");
    assert_eq!(closure.len(), 1);
    assert!(closure[0]["fixes"][0]["description"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("unsafe")));

    // Applying the safe fixes gives exactly what --write writes.
    let o = pf(d, &["--write", "classic.py", "src"]);
    assert_eq!(o.code, 0, "{o:#?}");
    for (name, text) in inputs {
        if *name == "src/closure.py" {
            assert_eq!(&read(d, name), text, "unsafe: not written");
            continue;
        }
        let expected = apply_sarif(text, &by_uri(name));
        assert_eq!(read(d, name), expected, "{name}");
    }
    assert_ne!(read(d, "src/unicode.py"), UNICODE);
    // And the unsafe one matches --write --unsafe-fixes.
    let o = pf(d, &["--write", "--unsafe-fixes", "src/closure.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(
        read(d, "src/closure.py"),
        apply_sarif(CLOSURE, &by_uri("src/closure.py"))
    );
}

#[test]
fn sarif_on_a_clean_run_has_rules_and_no_results() {
    let dir = tmp();
    let d = dir.path();
    write(d, "plain.py", PLAIN);
    let o = pf(d, &["--output-format", "sarif", "plain.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let sarif: Value = serde_json::from_str(&o.stdout).expect("valid JSON");
    assert_eq!(sarif["runs"][0]["results"], Value::Array(vec![]));
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
}

// ---------------------------------------------------------------------------------------
// JSON shape
// ---------------------------------------------------------------------------------------

#[test]
fn json_shape_is_stable() {
    let dir = tmp();
    let d = dir.path();
    write(d, "classic.py", CLASSIC);
    write(d, "stateful.py", STATEFUL);
    write(d, "closure.py", CLOSURE);
    let o = pf(d, &["--output-format", "json", "."]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stderr, "");
    let items = json(&o.stdout);
    assert_eq!(items.len(), 3, "{}", o.stdout);
    let top = set(&[
        "code",
        "name",
        "message",
        "filename",
        "location",
        "end_location",
        "noqa_row",
        "fix",
        "verdict",
        "reason",
    ]);
    for f in &items {
        assert_eq!(keys(f), top, "{f}");
        assert_eq!(keys(&f["location"]), set(&["row", "column"]), "{f}");
        assert_eq!(keys(&f["end_location"]), set(&["row", "column"]), "{f}");
        assert_eq!(f["noqa_row"], f["location"]["row"], "{f}");
        assert!(f["verdict"].is_string(), "{f}");
        if f["fix"].is_null() {
            assert!(
                f["reason"].is_string(),
                "a reason when there is no fix: {f}"
            );
            continue;
        }
        assert_eq!(
            keys(&f["fix"]),
            set(&["applicability", "message", "edits"]),
            "{f}"
        );
        for e in f["fix"]["edits"].as_array().unwrap() {
            assert_eq!(
                keys(e),
                set(&["content", "location", "end_location"]),
                "{e}"
            );
            assert_eq!(keys(&e["location"]), set(&["row", "column"]));
        }
    }
    let by_name = |n: &str| {
        items
            .iter()
            .find(|f| f["filename"].as_str().unwrap().ends_with(n))
            .unwrap_or_else(|| panic!("{n}: {}", o.stdout))
    };
    let c = by_name("classic.py");
    assert_eq!(c["code"], "PF001");
    assert_eq!(c["name"], "bound-method-to-process-pool");
    assert_eq!(c["location"], serde_json::json!({"row": 14, "column": 34}));
    assert_eq!(
        c["end_location"],
        serde_json::json!({"row": 14, "column": 53})
    );
    assert_eq!(c["fix"]["applicability"], "safe");
    assert!(c["reason"].is_null());
    let s = by_name("stateful.py");
    assert!(s["fix"].is_null());
    assert_eq!(s["verdict"], "stateful");
    let u = by_name("closure.py");
    assert_eq!(u["code"], "PF003");
    assert_eq!(u["fix"]["applicability"], "unsafe");
}

// ---------------------------------------------------------------------------------------
// Progress, --jobs, --quiet, --color
// ---------------------------------------------------------------------------------------

#[test]
fn no_progress_output_when_stderr_is_not_a_terminal() {
    let dir = tmp();
    let d = dir.path();
    for i in 0..2_100 {
        write(d, &format!("big/m{}/f{i}.py", i % 20), "x = 1\n");
    }
    write(d, "big/classic.py", CLASSIC);
    write(d, "big2/lambda.py", LAMBDA);
    for args in [
        &["--no-diff", "big", "big2"][..],
        &["--no-diff", "--no-progress", "big", "big2"][..],
        &["--write", "big", "big2"][..],
    ] {
        let o = pf(d, args);
        assert_eq!(o.code, 0, "{args:?}: {o:#?}");
        for (what, s) in [("stderr", &o.stderr), ("stdout", &o.stdout)] {
            assert!(!s.contains('\r'), "{args:?}: \\r on {what}: {s:?}");
            assert!(!s.contains('\x1b'), "{args:?}: escape on {what}: {s:?}");
            assert!(!s.contains("reading"), "{args:?}: {what}: {s}");
            assert!(!s.contains("analysing"), "{args:?}: {what}: {s}");
            assert!(!s.contains("/2102 files"), "{args:?}: {what}: {s}");
            assert!(!s.contains("/2101 files"), "{args:?}: {what}: {s}");
        }
        assert!(
            o.stderr.contains("in 2102 files scanned"),
            "{args:?}: {}",
            o.stderr
        );
    }
    assert_classic_fixed(&d.join("big"), "classic.py");
}

/// Runs picklefix under a pseudo-terminal (util-linux `script`), stdout and stderr both on
/// it; `None` when `script` is not available.
#[cfg(target_os = "linux")]
fn pf_on_a_terminal(dir: &Path, args: &str) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("picklefix");
    let out = std::process::Command::new("script")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .args(["-qec", &format!("'{}' {args}", bin.display()), "/dev/null"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!text.contains("panicked"), "{text}");
    Some(text)
}

/// The control for the test above: on a terminal the bar is drawn for a big run, and
/// `--no-progress`, `--quiet` or a small run turn it off.
#[cfg(target_os = "linux")]
#[test]
fn progress_bar_only_on_a_terminal_and_only_when_wanted() {
    let dir = tmp();
    let d = dir.path();
    for i in 0..2_050 {
        write(d, &format!("big/m{}/f{i}.py", i % 10), "x = 1\n");
    }
    write(d, "big/lambda.py", LAMBDA);
    write(d, "small/lambda.py", LAMBDA);
    let Some(shown) = pf_on_a_terminal(d, "--no-diff big") else {
        eprintln!("no `script` here: skipped");
        return;
    };
    assert!(shown.contains("in 2051 files scanned"), "{shown}");
    assert!(shown.contains("reading"), "a bar on a terminal: {shown}");
    assert!(shown.contains("/2051 files"), "{shown}");
    for args in [
        "--no-diff --no-progress big",
        "--no-diff -q big",
        "--no-diff small",
    ] {
        let text = pf_on_a_terminal(d, args).unwrap();
        assert!(
            text.contains("PF002") || args.contains("-q"),
            "{args}: {text}"
        );
        assert!(!text.contains("reading"), "{args}: {text}");
        assert!(!text.contains("analysing"), "{args}: {text}");
        assert!(!text.contains(" files 0s"), "{args}: {text}");
    }
}

/// Many files over several roots, so threads really interleave.
fn busy_tree(d: &Path) {
    let inputs = [CLASSIC, LAMBDA, CLOSURE, STATEFUL, MIXED, PLAIN, BROKEN];
    for root in ["r1", "r2", "r3"] {
        for i in 0..25 {
            let text = inputs[i % inputs.len()];
            write(d, &format!("{root}/d{}/f{i:02}.py", i % 4), text);
        }
    }
    write(
        d,
        "r2/pyproject.toml",
        "[tool.picklefix]\nunsafe-fixes = true\n",
    );
}

#[test]
fn jobs_1_and_the_default_print_the_same() {
    let dir = tmp();
    let d = dir.path();
    busy_tree(d);
    for extra in [
        &[][..],
        &["--output-format", "json"][..],
        &["--output-format", "sarif"][..],
        &["--statistics"][..],
    ] {
        let run = |jobs: &[&str]| {
            let mut args: Vec<&str> = jobs.to_vec();
            args.extend_from_slice(extra);
            args.extend_from_slice(&["r1", "r2", "r3"]);
            pf(d, &args)
        };
        let one = run(&["--jobs", "1"]);
        let default = run(&[]);
        let four = run(&["-j", "4"]);
        assert_eq!(one.code, 2, "broken files: {one:#?}");
        assert!(!one.stdout.is_empty());
        assert_eq!(one.stdout, default.stdout, "{extra:?}");
        assert_eq!(one.stdout, four.stdout, "{extra:?}");
        assert_eq!(one.stderr, default.stderr, "{extra:?}");
        assert_eq!((one.code, default.code), (four.code, four.code));
    }
}

#[test]
fn quiet_prints_findings_but_no_summary() {
    let dir = tmp();
    let d = dir.path();
    write(d, "a/classic.py", CLASSIC);
    write(d, "b/lambda.py", LAMBDA);
    write(d, "b/stateful.py", STATEFUL);

    let o = pf(d, &["--quiet", "a", "b"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stderr, "", "no summary, no table");
    assert_eq!(
        o.stdout.matches(": PF00").count(),
        3,
        "findings: {}",
        o.stdout
    );
    assert!(
        o.stdout.contains("--- a/a/classic.py"),
        "diffs: {}",
        o.stdout
    );

    let o = pf(d, &["-q", "--check", "a", "b"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert_eq!(
        o.stdout.lines().count(),
        3,
        "the findings say why: {}",
        o.stdout
    );
    assert_eq!(o.stderr, "");

    let o = pf(d, &["-q", "--write", "a", "b"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stdout.lines().count(), 3, "{}", o.stdout);
    assert_eq!(o.stderr, "");
    assert_classic_fixed(&d.join("a"), "classic.py");

    // Errors still show.
    write(d, "c/broken.py", BROKEN);
    let o = pf(d, &["-q", "c"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("c/broken.py"), "{}", o.stderr);
    assert!(!o.stderr.contains("scanned"), "{}", o.stderr);
}

#[test]
fn color_always_and_never() {
    let dir = tmp();
    let d = dir.path();
    write(d, "classic.py", CLASSIC);

    let o = pf(d, &["--color", "always", "classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let finding = o.stdout.lines().next().unwrap();
    assert!(finding.contains("\x1b["), "finding: {finding:?}");
    assert!(finding.contains("PF001"), "{finding:?}");
    assert!(
        o.stdout.contains("\x1b[32m+"),
        "added lines: {:?}",
        o.stdout
    );
    assert!(
        o.stdout.contains("\x1b[31m-"),
        "removed lines: {:?}",
        o.stdout
    );
    assert!(o.stdout.contains("\x1b[36m@@"), "hunks: {:?}", o.stdout);

    for args in [
        &["--color", "never", "classic.py"][..],
        &["classic.py"][..],
        &["--color", "never", "--unsafe-fixes", "classic.py"][..],
    ] {
        let o = pf(d, args);
        assert_eq!(o.code, 0, "{o:#?}");
        assert!(o.stdout.contains("@@"), "{args:?}: {}", o.stdout);
        assert!(!o.stdout.contains('\x1b'), "{args:?}: {:?}", o.stdout);
        assert!(!o.stderr.contains('\x1b'), "{args:?}: {:?}", o.stderr);
    }
}

// ---------------------------------------------------------------------------------------
// Shell completions
// ---------------------------------------------------------------------------------------

#[test]
fn shell_completions() {
    let dir = tmp();
    let d = dir.path();
    for shell in ["bash", "zsh", "fish"] {
        let o = pf(d, &["--completions", shell]);
        assert_eq!(o.code, 0, "{shell}: {o:#?}");
        assert!(o.stdout.contains("--write"), "{shell}: {}", o.stdout);
        // fish names long options `-l write`; the others spell them out.
        let (write, dirty) = if shell == "fish" {
            ("-l write ", "-l allow-dirty ")
        } else {
            ("--write", "--allow-dirty")
        };
        assert!(o.stdout.contains(write), "{shell}: {}", o.stdout);
        assert!(o.stdout.contains(dirty), "{shell}: {}", o.stdout);
        assert!(o.stdout.contains("picklefix"), "{shell}");
        assert_eq!(o.stderr, "", "{shell}");
    }
    let bash = pf(d, &["--completions", "bash"]);
    assert!(bash.stdout.contains("complete "), "{}", bash.stdout);
    let zsh = pf(d, &["--completions", "zsh"]);
    assert!(zsh.stdout.contains("#compdef picklefix"), "{}", zsh.stdout);
    let fish = pf(d, &["--completions", "fish"]);
    assert!(
        fish.stdout.contains("complete -c picklefix"),
        "{}",
        fish.stdout
    );

    // Nothing else runs: no file is read or written.
    write(d, "classic.py", CLASSIC);
    let o = pf(d, &["--completions", "bash", "--write", "classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(read(d, "classic.py"), CLASSIC);

    for bad in [&["--completions", "tcsh"][..], &["--completions"][..]] {
        let o = pf(d, bad);
        assert_eq!(o.code, 2, "{bad:?}: {o:#?}");
        assert_eq!(o.stdout, "", "{bad:?}");
        assert!(
            o.stderr.contains("--completions") || o.stderr.contains("invalid value"),
            "{bad:?}: {}",
            o.stderr
        );
    }
}

// ---------------------------------------------------------------------------------------
// Bulk migration: --report, --patch-dir, --commit, @FILE, SARIF invocations (issue 15)
// ---------------------------------------------------------------------------------------

/// Runs git in `dir` and returns its stdout (trimmed).
fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

fn report_of(d: &Path, name: &str) -> Value {
    let text = read(d, name);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON ({e}):\n{text}"))
}

/// `path -> (status, reason)` of every file of a root in a report.
fn statuses(root: &Value) -> BTreeMap<String, (String, Option<String>)> {
    root["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                (
                    f["status"].as_str().unwrap().to_string(),
                    f["reason"].as_str().map(String::from),
                ),
            )
        })
        .collect()
}

fn st(status: &str, reason: Option<&str>) -> (String, Option<String>) {
    (status.to_string(), reason.map(String::from))
}

/// repo1: a fix, a file without a pool word, a dirty fixable file, an excluded file, a
/// read-only fixable file, one over the size limit; repo2: a syntax error, a latin-1 file
/// without a cookie (not UTF-8), a fixable lambda.
fn report_repos(d: &Path) {
    let r1 = repo(
        d,
        "repo1",
        &[
            (
                "pyproject.toml",
                "[tool.picklefix]\nexclude = [\"generated/\"]\n",
            ),
            ("classic.py", CLASSIC),
            ("plain.py", PLAIN),
            ("dirty.py", CLASSIC),
            ("generated/gen.py", CLASSIC),
            ("locked.py", CLASSIC),
            ("big.py", &format!("{CLASSIC}{}\n", "#".repeat(4000))),
        ],
    );
    write(&r1, "dirty.py", &format!("{CLASSIC}# edited\n"));
    let mut perms = std::fs::metadata(r1.join("locked.py"))
        .unwrap()
        .permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(r1.join("locked.py"), perms).unwrap();
    let r2 = repo(d, "repo2", &[("broken.py", BROKEN), ("lambda.py", LAMBDA)]);
    let mut latin = b"from concurrent.futures import ProcessPoolExecutor\n# caf".to_vec();
    latin.extend_from_slice(b"\xe9\n");
    std::fs::write(r2.join("latin.py"), latin).unwrap();
    git(&r2, &["add", "-A"]);
    git(&r2, &["commit", "-q", "-m", "latin"]);
}

#[test]
fn report_gives_every_file_a_status_and_the_json_findings() {
    let dir = tmp();
    let d = dir.path();
    report_repos(d);
    let args = [
        "--write",
        "--output-format",
        "json",
        "--max-file-size",
        "2000",
        "--report",
        "out/run.json",
        "repo1",
        "repo2",
        "missing",
    ];
    std::fs::create_dir_all(d.join("out")).unwrap();
    let o = pf(d, &args);
    assert_eq!(o.code, 2, "{o:#?}");
    let report = report_of(d, "out/run.json");
    assert_eq!(report["version"], 1, "{report}");
    assert_eq!(report["tool"]["name"], "picklefix");
    assert_eq!(report["mode"], "write");
    assert_eq!(report["exit_code"], 2);
    // Written atomically: nothing but the report in its folder.
    assert_eq!(std::fs::read_dir(d.join("out")).unwrap().count(), 1);
    let roots = report["roots"].as_array().expect("roots");
    assert_eq!(roots.len(), 3);
    let (r1, r2, missing) = (&roots[0], &roots[1], &roots[2]);

    assert_eq!(r1["path"], "repo1");
    assert_eq!(r1["project"]["kind"], "git");
    assert_eq!(
        r1["project"]["path"].as_str().unwrap(),
        canonical(&d.join("repo1")).to_str().unwrap()
    );
    assert!(
        r1["config"]
            .as_str()
            .is_some_and(|c| c.ends_with("repo1/pyproject.toml")),
        "{r1}"
    );
    assert!(r2["config"].is_null(), "{r2}");
    let want1: BTreeMap<String, (String, Option<String>)> = [
        ("repo1/big.py", st("skipped", Some("too-large"))),
        ("repo1/classic.py", st("fixed", None)),
        ("repo1/dirty.py", st("skipped", Some("dirty"))),
        ("repo1/generated/gen.py", st("skipped", Some("excluded"))),
        ("repo1/locked.py", st("skipped", Some("permission"))),
        ("repo1/plain.py", st("unchanged", None)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(statuses(r1), want1, "{r1}");
    let want2: BTreeMap<String, (String, Option<String>)> = [
        ("repo2/broken.py", st("skipped", Some("syntax-error"))),
        ("repo2/lambda.py", st("fixed", None)),
        ("repo2/latin.py", st("skipped", Some("encoding"))),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(statuses(r2), want2, "{r2}");
    assert_eq!(missing["files"], Value::Array(vec![]));
    let errors = missing["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{missing}");
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("No such file"));

    // Per-root counts.
    let c = &r1["counts"];
    assert_eq!(c["files"], 6, "{c}");
    assert_eq!(c["fixed"], 1, "{c}");
    assert_eq!(c["unchanged"], 1, "{c}");
    assert_eq!(c["skipped"], 4, "{c}");
    assert_eq!(c["error"], 0, "{c}");
    assert_eq!(c["files_scanned"], 5, "excluded files are not read: {c}");
    assert_eq!(c["fixes"], 1, "{c}");
    assert_eq!(
        c["skipped_by_reason"],
        serde_json::json!({"dirty": 1, "excluded": 1, "permission": 1, "too-large": 1})
    );
    assert_eq!(r2["counts"]["fixed"], 1);
    assert_eq!(r2["counts"]["skipped"], 2);

    // A message for every skipped file, and what was written.
    for f in r1["files"].as_array().unwrap() {
        let skipped = f["status"] == "skipped" && f["reason"] != "excluded";
        assert_eq!(f["message"].is_string(), skipped, "{f}");
        assert_eq!(f["written"], f["status"] == "fixed", "{f}");
    }

    // The findings are the objects --output-format json printed on stdout, in order.
    let from_report: Vec<Value> = roots
        .iter()
        .flat_map(|r| r["files"].as_array().unwrap().iter())
        .flat_map(|f| f["findings"].as_array().unwrap().iter().cloned())
        .collect();
    assert_eq!(from_report, json(&o.stdout));
    assert!(!from_report.is_empty());
    assert_classic_fixed(&d.join("repo1"), "classic.py");
}

#[test]
fn report_in_a_dry_run_says_would_fix_and_leaves_stdout_alone() {
    let dir = tmp();
    let d = dir.path();
    repo(d, "repo", &[("classic.py", CLASSIC), ("plain.py", PLAIN)]);
    let plain = pf(d, &["repo"]);
    let o = pf(d, &["--report", "r.json", "repo"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(
        o.stdout, plain.stdout,
        "stdout is what it is without --report"
    );
    let report = report_of(d, "r.json");
    assert_eq!(report["mode"], "dry-run");
    let root = &report["roots"][0];
    assert_eq!(
        statuses(root)["repo/classic.py"],
        st("would-fix", None),
        "{root}"
    );
    assert_eq!(statuses(root)["repo/plain.py"], st("unchanged", None));
    assert_eq!(root["counts"]["would-fix"], 1);
    assert_eq!(read(&d.join("repo"), "classic.py"), CLASSIC);
    // --check does not plan fixes, yet a fixable file would be fixed.
    let o = pf(d, &["--check", "--report", "r.json", "repo"]);
    assert_eq!(o.code, 1, "{o:#?}");
    let report = report_of(d, "r.json");
    assert_eq!(
        statuses(&report["roots"][0])["repo/classic.py"],
        st("would-fix", None)
    );
    assert_eq!(report["exit_code"], 1);
}

#[test]
fn patch_dir_writes_one_patch_per_repository_that_git_apply_accepts() {
    let dir = tmp();
    let d = dir.path();
    let a = repo(
        d,
        "repos/alpha",
        &[
            ("classic.py", CLASSIC),
            ("pkg/with space.py", LAMBDA),
            ("plain.py", PLAIN),
        ],
    );
    let b = repo(
        d,
        "repos/beta",
        &[("src/mixed.py", MIXED), ("docs.py", PLAIN)],
    );
    repo(d, "repos/clean", &[("plain.py", PLAIN)]);
    // beta is given as a subfolder: its patch still names files from beta's root.
    let o = pf(
        d,
        &[
            "--patch-dir",
            "patches",
            "repos/alpha",
            "repos/beta/src",
            "repos/clean",
        ],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    let mut names: Vec<String> = std::fs::read_dir(d.join("patches"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["alpha.patch", "src.patch"],
        "no patch for clean"
    );
    let alpha = read(d, "patches/alpha.patch");
    assert!(
        alpha.contains("--- a/classic.py\n+++ b/classic.py\n"),
        "{alpha}"
    );
    assert!(alpha.contains("a/pkg/with space.py"), "{alpha}");
    let beta = read(d, "patches/src.patch");
    assert!(beta.contains("--- a/src/mixed.py\n"), "{beta}");
    // The dry run changed nothing; the patches give exactly what --write writes.
    assert_eq!(read(&a, "classic.py"), CLASSIC);
    for (repo_dir, patch) in [(&a, "alpha.patch"), (&b, "src.patch")] {
        let patch = canonical(&d.join("patches").join(patch));
        git(repo_dir, &["apply", "--check", patch.to_str().unwrap()]);
        git(repo_dir, &["apply", patch.to_str().unwrap()]);
    }
    let applied: Vec<String> = [
        (&a, "classic.py"),
        (&a, "pkg/with space.py"),
        (&b, "src/mixed.py"),
    ]
    .iter()
    .map(|(r, f)| read(r, f))
    .collect();
    for r in [&a, &b] {
        git(r, &["checkout", "-q", "--", "."]);
    }
    let o = pf(d, &["--write", "repos/alpha", "repos/beta/src"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let written: Vec<String> = [
        (&a, "classic.py"),
        (&a, "pkg/with space.py"),
        (&b, "src/mixed.py"),
    ]
    .iter()
    .map(|(r, f)| read(r, f))
    .collect();
    assert_eq!(applied, written);
    assert_ne!(written[0], CLASSIC);
}

#[test]
fn patch_dir_names_repositories_apart() {
    let dir = tmp();
    let d = dir.path();
    repo(d, "a/app", &[("classic.py", CLASSIC)]);
    repo(d, "b/app", &[("lambda.py", LAMBDA)]);
    let o = pf(
        d,
        &["--patch-dir", "p", "--report", "r.json", "a/app", "b/app"],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(read(d, "p/app.patch").contains("a/classic.py"));
    assert!(read(d, "p/app-2.patch").contains("a/lambda.py"));
    let report = report_of(d, "r.json");
    assert!(report["roots"][1]["repository"]["patch"]
        .as_str()
        .is_some_and(|p| p.ends_with("app-2.patch")));
}

/// A repository with a fixable file, a staged change and an unstaged change to other files,
/// and an untracked file.
fn busy_repo(d: &Path, name: &str) -> PathBuf {
    let r = repo(
        d,
        name,
        &[
            ("classic.py", CLASSIC),
            ("pkg/lambda.py", LAMBDA),
            ("closure.py", CLOSURE),
            ("notes.txt", "one\n"),
            ("todo.txt", "a\n"),
        ],
    );
    write(&r, "notes.txt", "one\ntwo (staged)\n");
    git(&r, &["add", "notes.txt"]);
    write(&r, "todo.txt", "a\nb (not staged)\n");
    write(&r, "scratch.txt", "untracked\n");
    r
}

#[test]
fn commit_commits_exactly_the_written_files() {
    let dir = tmp();
    let d = dir.path();
    let r = busy_repo(d, "repo");
    let head = git_out(&r, &["rev-parse", "HEAD"]);
    let o = pf(
        d,
        &[
            "--write",
            "--commit",
            "Make pool callables picklable",
            "--report",
            "r.json",
            "repo",
        ],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(
        git_out(&r, &["rev-parse", "HEAD~1"]),
        head,
        "one new commit"
    );
    let files = git_out(&r, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, "classic.py\npkg/lambda.py", "{o:#?}");
    let message = git_out(&r, &["log", "-1", "--format=%B"]);
    assert!(
        message.starts_with("Make pool callables picklable\n\n"),
        "{message}"
    );
    assert!(message.contains("- classic.py:14: PF001 "), "{message}");
    assert!(message.contains("- pkg/lambda.py:6: PF002 "), "{message}");
    assert!(
        !message.contains("closure.py"),
        "unsafe, not applied: {message}"
    );
    // Everything else is as it was: staged, unstaged, untracked; the fixed files are clean.
    let status = git_out(&r, &["status", "--porcelain=v1"]);
    assert_eq!(
        status, "M  notes.txt\n M todo.txt\n?? scratch.txt",
        "{status}"
    );
    assert_eq!(
        git_out(&r, &["show", "HEAD:classic.py"]),
        read(&r, "classic.py").trim_end()
    );
    assert_classic_fixed(&r, "classic.py");
    assert_eq!(
        git_out(&r, &["symbolic-ref", "--short", "HEAD"]),
        git_out(&r, &["branch", "--show-current"])
    );
    let report = report_of(d, "r.json");
    let commit = &report["roots"][0]["repository"]["commit"];
    assert_eq!(commit["sha"], git_out(&r, &["rev-parse", "HEAD"]).as_str());
    assert_eq!(
        commit["files"],
        serde_json::json!(["classic.py", "pkg/lambda.py"])
    );

    // The second pass (unsafe fixes) needs no --allow-dirty: the first one was committed.
    let o = pf(
        d,
        &[
            "--write",
            "--unsafe-fixes",
            "--commit",
            "Unsafe fixes",
            "repo",
        ],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    assert_closure_fixed(&r, "closure.py");
    assert_eq!(
        git_out(&r, &["show", "--name-only", "--format=", "HEAD"]),
        "closure.py"
    );
    let status = git_out(&r, &["status", "--porcelain=v1"]);
    assert_eq!(
        status, "M  notes.txt\n M todo.txt\n?? scratch.txt",
        "{status}"
    );
    // Nothing left to fix: no empty commit.
    let before = git_out(&r, &["rev-parse", "HEAD"]);
    let o = pf(
        d,
        &["--write", "--unsafe-fixes", "--commit", "Again", "repo"],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(git_out(&r, &["rev-parse", "HEAD"]), before);
}

#[test]
fn commit_on_a_new_branch_leaves_the_current_branch_alone() {
    let dir = tmp();
    let d = dir.path();
    let r = busy_repo(d, "repo");
    let branch = git_out(&r, &["branch", "--show-current"]);
    let head = git_out(&r, &["rev-parse", "HEAD"]);
    let o = pf(
        d,
        &[
            "--write",
            "--commit",
            "picklefix",
            "--branch",
            "picklefix/migrate",
            "repo",
        ],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(
        git_out(&r, &["branch", "--show-current"]),
        "picklefix/migrate"
    );
    assert_eq!(
        git_out(&r, &["rev-parse", &branch]),
        head,
        "{branch} did not move"
    );
    assert_eq!(git_out(&r, &["rev-parse", "picklefix/migrate~1"]), head);
    let status = git_out(&r, &["status", "--porcelain=v1"]);
    assert_eq!(
        status, "M  notes.txt\n M todo.txt\n?? scratch.txt",
        "{status}"
    );

    // The branch exists now: a second run refuses the repository before writing anything.
    git(&r, &["checkout", "-q", &branch]);
    let o = pf(
        d,
        &[
            "--write",
            "--unsafe-fixes",
            "--commit",
            "x",
            "--branch",
            "picklefix/migrate",
            "repo",
        ],
    );
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("exists already"), "{}", o.stderr);
    assert_eq!(read(&r, "closure.py"), CLOSURE);
}

#[test]
fn commit_refuses_a_repository_in_the_middle_of_a_merge() {
    let dir = tmp();
    let d = dir.path();
    let r = repo(
        d,
        "merging",
        &[("classic.py", CLASSIC), ("x.txt", "base\n")],
    );
    let main = git_out(&r, &["branch", "--show-current"]);
    git(&r, &["checkout", "-q", "-b", "other"]);
    write(&r, "x.txt", "other\n");
    git(&r, &["commit", "-q", "-am", "other"]);
    git(&r, &["checkout", "-q", &main]);
    write(&r, "x.txt", "main\n");
    git(&r, &["commit", "-q", "-am", "main"]);
    let merge = std::process::Command::new("git")
        .current_dir(&r)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "merge",
            "-q",
            "other",
        ])
        .output()
        .unwrap();
    assert!(!merge.status.success(), "a conflict");
    let ok = repo(d, "ok", &[("classic.py", CLASSIC)]);
    let head = git_out(&r, &["rev-parse", "HEAD"]);
    let o = pf(d, &["--write", "--commit", "fix", "merging", "ok"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("middle of a merge"), "{}", o.stderr);
    assert_eq!(read(&r, "classic.py"), CLASSIC, "nothing written there");
    assert_eq!(git_out(&r, &["rev-parse", "HEAD"]), head);
    assert_classic_fixed(&ok, "classic.py");
    assert_eq!(
        git_out(&ok, &["show", "--name-only", "--format=", "HEAD"]),
        "classic.py"
    );

    // Mid-rebase too.
    git(&r, &["merge", "--abort"]);
    let rebase = std::process::Command::new("git")
        .current_dir(&r)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "rebase",
            "-q",
            "other",
        ])
        .output()
        .unwrap();
    assert!(!rebase.status.success(), "a conflict");
    let o = pf(d, &["--write", "--allow-dirty", "merging"]);
    assert_eq!(o.code, 0, "--write alone still works: {o:#?}");
    git(&r, &["checkout", "-q", "--", "classic.py"]);
    let o = pf(d, &["--write", "--commit", "fix", "merging"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("middle of a rebase"), "{}", o.stderr);
}

#[test]
fn commit_needs_write_and_refuses_allow_dirty() {
    let dir = tmp();
    let d = dir.path();
    repo(d, "repo", &[("classic.py", CLASSIC)]);
    for args in [
        &["--commit", "m", "repo"][..],
        &["--write", "--allow-dirty", "--commit", "m", "repo"],
        &["--write", "--branch", "b", "repo"],
        &["--check", "--patch-dir", "p", "repo"],
    ] {
        let o = pf(d, args);
        assert_eq!(o.code, 2, "{args:?}: {o:#?}");
    }
    assert_eq!(read(&d.join("repo"), "classic.py"), CLASSIC);
}

#[test]
fn at_file_lists_one_root_per_line() {
    let dir = tmp();
    let d = dir.path();
    repo(d, "repo1", &[("classic.py", CLASSIC)]);
    repo(d, "repo 2", &[("lambda.py", LAMBDA)]);
    repo(d, "repo3", &[("classic.py", CLASSIC)]);
    write(d, "roots.txt", "# the fleet\nrepo1\n\n  repo 2\n# repo3\n");
    let o = pf(d, &["--output-format", "json", "@roots.txt"]);
    assert_eq!(
        reported(&o),
        pairs(&[("repo1/classic.py", "PF001"), ("repo 2/lambda.py", "PF002")])
    );
    let o = pf(d, &["--output-format", "json", "@roots.txt", "repo3"]);
    assert_eq!(reported(&o).len(), 3);
    let o = pf(d, &["@nope.txt"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("@nope.txt"), "{}", o.stderr);
}

#[test]
fn sarif_invocations_name_every_file_that_could_not_be_handled() {
    let dir = tmp();
    let d = dir.path();
    let r = repo(d, "repo", &[("broken.py", BROKEN), ("classic.py", CLASSIC)]);
    std::fs::write(r.join("binary.py"), b"ProcessPoolExecutor\0\xff").unwrap();
    let o = pf(d, &["--output-format", "sarif", "repo", "missing"]);
    assert_eq!(o.code, 2, "{o:#?}");
    let sarif: Value = serde_json::from_str(&o.stdout).expect("valid JSON");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert!(run["tool"]["driver"]["informationUri"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    let invocations = run["invocations"].as_array().expect("invocations");
    assert_eq!(invocations.len(), 1);
    assert_eq!(invocations[0]["executionSuccessful"], false);
    let notes = invocations[0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let mut named: Vec<(String, String)> = notes
        .iter()
        .map(|n| {
            let at = &n["locations"][0]["physicalLocation"]["artifactLocation"];
            (
                sarif_path(run, at, d),
                n["descriptor"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    named.sort();
    assert_eq!(
        named,
        pairs(&[
            ("missing", "error"),
            ("repo/binary.py", "encoding"),
            ("repo/broken.py", "syntax-error")
        ])
    );
    for n in notes {
        assert!(
            n["message"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "{n}"
        );
    }
    let bases = run["originalUriBaseIds"].as_object().unwrap();
    assert_eq!(bases.len(), 2, "{bases:?}");
    assert!(bases["ROOT0"]["uri"]
        .as_str()
        .is_some_and(|u| u.starts_with("file:///") && u.ends_with("/repo/")));
    let result = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(result["uri"], "classic.py");
    assert_eq!(result["uriBaseId"], "ROOT0");

    // A clean run is a successful one.
    let o = pf(d, &["--output-format", "sarif", "repo/classic.py"]);
    let sarif: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"],
        Value::Array(vec![])
    );
}
