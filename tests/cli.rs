//! End-to-end tests of the `picklefix` binary: flags, output formats, exit codes, what is
//! written to disk (and what is not), byte preservation, bad input and file discovery.
//!
//! Every test builds its Python inputs in a temporary folder and runs the binary there with
//! relative paths, so the printed paths are predictable (`classic.py:14:34: ...`).

mod common;
use common::{CLASSIC, STATEFUL};
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

/// The method reads a plain value from the instance (`self.n`, line 10): only an unsafe fix.
const READS_STATE: &str = r#"from concurrent.futures import ProcessPoolExecutor


class PageProcess:
    def __init__(self):
        self.n = 3

    def single_process(self, page):
        return len(page) + self.n

    def run(self, pages):
        with ProcessPoolExecutor(max_workers=2) as pool:
            return list(pool.map(self.single_process, pages))


if __name__ == "__main__":
    print(PageProcess().run(["a", "bb"]))
"#;

/// The classic program on a thread pool: nothing to report.
const THREADED: &str = r#"import threading
from concurrent.futures import ThreadPoolExecutor


class PageProcess:
    def __init__(self):
        self.lock = threading.Lock()

    def single_process(self, page):
        return len(page.strip())

    def run(self, pages):
        with ThreadPoolExecutor() as pool:
            return list(pool.map(self.single_process, pages))
"#;

/// A PF001 finding at 19:34 and a PF100 (unknown receiver, off by default) at 17:30.
const MIXED: &str = r#"import threading
from concurrent.futures import ProcessPoolExecutor


class PageProcess:
    def __init__(self, executor):
        self.lock = threading.Lock()
        self.executor = executor

    def single_process(self, page):
        return len(page.strip())

    def handle(self, item):
        return item

    def run(self, pages):
        self.executor.submit(self.handle, 1)
        with ProcessPoolExecutor() as pool:
            return list(pool.map(self.single_process, pages))
"#;

const CLASSIC_FINDING: &str = "classic.py:14:34: PF001 [*] bound method `self.single_process` \
handed to `ProcessPoolExecutor.map`: pickles the whole `PageProcess` instance";

/// What a run printed and how it ended.
#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs picklefix in `dir` with `args`. Fails the test on a timeout, a signal or a panic.
fn pf(dir: &Path, args: &[&str]) -> Out {
    let out = Command::cargo_bin("picklefix")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
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
    assert!(!o.stdout.contains("panicked"), "panic: {o:#?}");
    o
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap();
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

fn read_str(dir: &Path, name: &str) -> String {
    String::from_utf8(read(dir, name)).unwrap()
}

/// `python3` must accept the file (read as bytes, so a BOM or a cookie is honoured).
fn assert_parses(path: &Path) {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg("import ast,sys; ast.parse(open(sys.argv[1], 'rb').read())")
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{} does not parse:\n{}\n---\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&std::fs::read(path).unwrap())
    );
}

/// The classic program as picklefix should leave it after `--write`.
fn assert_classic_fixed(dir: &Path, name: &str) {
    let text = read_str(dir, name);
    assert!(
        text.contains("\ndef _single_process(page):\n    return len(page.strip())\n"),
        "{name} not fixed:\n{text}"
    );
    assert!(
        text.contains("pool.map(_single_process, pages)"),
        "{name}:\n{text}"
    );
    assert!(
        !text.contains("pool.map(self.single_process"),
        "{name}:\n{text}"
    );
    assert_parses(&dir.join(name));
}

fn json(stdout: &str) -> Vec<Value> {
    match serde_json::from_str(stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("not a JSON array: {other:?}\n{stdout}"),
    }
}

// ---------------------------------------------------------------------------------------
// Help, version, --explain, usage errors
// ---------------------------------------------------------------------------------------

#[test]
fn help_lists_every_flag() {
    let dir = tmp();
    let o = pf(dir.path(), &["--help"]);
    assert_eq!(o.code, 0, "{o:#?}");
    for flag in [
        "--write",
        "--check",
        "--output-format",
        "--select",
        "--ignore",
        "--exclude",
        "--explain",
        "--diff",
        "--no-diff",
        "--quiet",
        "--color",
        "--unsafe-fixes",
        "-j, --jobs",
        "-q, --quiet",
        "-s, --silent",
        "-e, --exit-zero",
        "--exit-non-zero-on-fix",
        "--statistics",
        "--per-repository",
        "--show-files",
        "--show-settings",
        "--config <CONFIG_OPTION>",
        "--isolated",
        "--force-exclude",
        "--add-noqa",
        "--stdin-filename <PATH>",
        "--version",
        "[PATHS]...",
        "server",
        "concise",
        "grouped",
        "github",
        "gitlab",
        "junit",
        "sarif",
        "auto, always, never",
        "Exit status",
    ] {
        assert!(
            o.stdout.contains(flag),
            "--help lacks `{flag}`:\n{}",
            o.stdout
        );
    }
}

#[test]
fn version_prints_name_and_version() {
    Command::cargo_bin("picklefix")
        .unwrap()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("picklefix {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn explain_pf001_prints_the_rationale() {
    let dir = tmp();
    for code in ["PF001", "pf001"] {
        let o = pf(dir.path(), &["--explain", code]);
        assert_eq!(o.code, 0, "{o:#?}");
        assert!(o
            .stdout
            .starts_with("# PF001 bound-method-to-process-pool\n"));
        assert!(o.stdout.contains("## Why is this bad?"), "{}", o.stdout);
        assert!(
            o.stdout.contains("cannot pickle '_thread.lock' object"),
            "{}",
            o.stdout
        );
        assert!(o.stdout.contains("def _single_process(page):"));
        assert_eq!(o.stderr, "");
    }
}

#[test]
fn explain_every_rule_code() {
    let dir = tmp();
    for code in ["PF002", "PF003", "PF004", "PF100"] {
        let o = pf(dir.path(), &["--explain", code]);
        assert_eq!(o.code, 0, "{o:#?}");
        assert!(o.stdout.starts_with(&format!("# {code} ")), "{}", o.stdout);
    }
}

#[test]
fn explain_unknown_code_is_a_usage_error() {
    let dir = tmp();
    let o = pf(dir.path(), &["--explain", "PF999"]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert_eq!(o.stdout, "");
    assert!(
        o.stderr.contains("unknown rule code `PF999`"),
        "{}",
        o.stderr
    );
}

#[test]
fn conflicting_or_invalid_flags_are_usage_errors() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    for args in [
        &["--write", "--check", "classic.py"][..],
        &["--output-format", "xml", "classic.py"],
        &["--color", "sometimes", "classic.py"],
        &["-j", "0", "classic.py"],
        &["--no-such-flag", "classic.py"],
    ] {
        let o = pf(dir.path(), args);
        assert_eq!(o.code, 2, "{args:?}: {o:#?}");
        assert!(!o.stdout.contains("PF001"), "{args:?}: {o:#?}");
        assert!(!o.stderr.is_empty(), "{args:?}: no message");
    }
    assert_eq!(read_str(dir.path(), "classic.py"), CLASSIC);
}

// ---------------------------------------------------------------------------------------
// Dry run, --check, --write, diffs
// ---------------------------------------------------------------------------------------

#[test]
fn dry_run_shows_finding_and_diff_and_writes_nothing() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(dir.path(), &["classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let mut lines = o.stdout.lines();
    assert_eq!(lines.next(), Some(CLASSIC_FINDING), "{}", o.stdout);
    assert_eq!(lines.next(), Some("--- a/classic.py"), "{}", o.stdout);
    assert_eq!(lines.next(), Some("+++ b/classic.py"), "{}", o.stdout);
    assert!(o.stdout.contains("\n@@ "), "{}", o.stdout);
    assert!(
        o.stdout.contains("\n+def _single_process(page):\n"),
        "{}",
        o.stdout
    );
    assert!(o
        .stdout
        .contains("\n-            return list(pool.map(self.single_process, pages))\n"));
    assert!(o
        .stdout
        .contains("\n+            return list(pool.map(_single_process, pages))\n"));
    assert_eq!(
        o.stderr,
        "1 finding in 1 file scanned; 1 file would change\n1 safe fix: apply with --write\n"
    );
    assert_eq!(read_str(dir.path(), "classic.py"), CLASSIC);
}

#[test]
fn check_exits_1_on_a_finding_and_never_writes() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(dir.path(), &["--check", "classic.py"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert_eq!(o.stdout, format!("{CLASSIC_FINDING}\n"));
    assert!(
        !o.stdout.contains("--- a/"),
        "--check shows no diff by default"
    );
    assert!(
        o.stderr.contains("1 finding in 1 file scanned"),
        "{}",
        o.stderr
    );
    assert_eq!(read_str(dir.path(), "classic.py"), CLASSIC);
}

#[test]
fn check_exits_0_on_a_clean_file() {
    let dir = tmp();
    let clean = "from concurrent.futures import ProcessPoolExecutor\n\n\n\
def work(x):\n    return x * 2\n\n\n\
def main():\n    with ProcessPoolExecutor() as pool:\n        return list(pool.map(work, [1, 2]))\n";
    write(dir.path(), "clean.py", clean);
    let o = pf(dir.path(), &["--check", "clean.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stdout, "");
    assert!(
        o.stderr.contains("0 findings in 1 file scanned"),
        "{}",
        o.stderr
    );
    assert_eq!(read_str(dir.path(), "clean.py"), clean);
}

#[test]
fn check_with_diff_shows_the_diff_and_never_writes() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(dir.path(), &["--check", "--diff", "classic.py"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(o.stdout.starts_with(CLASSIC_FINDING), "{}", o.stdout);
    assert!(o.stdout.contains("\n--- a/classic.py\n+++ b/classic.py\n"));
    assert!(o.stdout.contains("\n+def _single_process(page):\n"));
    assert_eq!(read_str(dir.path(), "classic.py"), CLASSIC);
}

#[test]
fn write_rewrites_the_file_and_is_idempotent() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(dir.path(), &["--write", "classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(
        o.stdout,
        format!("{CLASSIC_FINDING}\n"),
        "no diff by default"
    );
    assert!(
        o.stderr
            .contains("1 finding in 1 file scanned; fixed 1 finding in 1 file"),
        "{}",
        o.stderr
    );
    assert_classic_fixed(dir.path(), "classic.py");
    // The hoisted function comes before the class; the public method stays as a wrapper.
    let text = read_str(dir.path(), "classic.py");
    let hoisted = text.find("\ndef _single_process(page):").unwrap();
    assert!(hoisted < text.find("class PageProcess:").unwrap(), "{text}");
    assert!(
        text.contains(
            "    def single_process(self, page):\n        return _single_process(page)\n"
        ),
        "{text}"
    );
    let once = read(dir.path(), "classic.py");

    let again = pf(dir.path(), &["--write", "classic.py"]);
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(again.stdout, "", "nothing left to report");
    assert!(
        again
            .stderr
            .contains("0 findings in 1 file scanned; fixed 0 findings in 0 files"),
        "{}",
        again.stderr
    );
    assert_eq!(
        read(dir.path(), "classic.py"),
        once,
        "second --write changed it"
    );
    assert_eq!(pf(dir.path(), &["--check", "classic.py"]).code, 0);
}

#[test]
fn diff_prints_only_diffs_and_exits_1_when_a_file_would_change() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(dir.path(), &["--diff", "classic.py"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(
        o.stdout.starts_with("--- a/classic.py\n+++ b/classic.py\n"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("\n+def _single_process(page):\n"));
    assert!(o.stdout.contains("\n-        return len(page.strip())\n"));
    assert!(o
        .stdout
        .contains("\n+        return _single_process(page)\n"));
    assert!(!o.stdout.contains("PF001"), "{}", o.stdout);
    assert_eq!(
        read_str(dir.path(), "classic.py"),
        CLASSIC,
        "--diff never writes"
    );
    // --exit-zero keeps the diff and drops the status.
    let zero = pf(dir.path(), &["--diff", "--exit-zero", "classic.py"]);
    assert_eq!(zero.code, 0, "{zero:#?}");
    assert_eq!(zero.stdout, o.stdout);

    // Nothing to change: no diff and exit 0.
    let w = pf(dir.path(), &["--write", "classic.py"]);
    assert_eq!(w.code, 0, "{w:#?}");
    let again = pf(dir.path(), &["--diff", "classic.py"]);
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(again.stdout, "");

    // --diff never writes, so it cannot go with --write.
    let both = pf(dir.path(), &["--write", "--diff", "classic.py"]);
    assert_eq!(both.code, 2, "{both:#?}");
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}

#[test]
fn exit_non_zero_on_fix_and_exit_zero() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(
        dir.path(),
        &["--write", "--exit-non-zero-on-fix", "classic.py"],
    );
    assert_eq!(o.code, 1, "{o:#?}");
    assert_classic_fixed(dir.path(), "classic.py");
    let again = pf(
        dir.path(),
        &["--write", "--exit-non-zero-on-fix", "classic.py"],
    );
    assert_eq!(again.code, 0, "nothing written the second time: {again:#?}");

    write(dir.path(), "stateful.py", STATEFUL);
    let c = pf(dir.path(), &["--check", "-e", "stateful.py"]);
    assert_eq!(c.code, 0, "{c:#?}");
    assert!(
        c.stdout.contains("PF001"),
        "findings are still shown: {}",
        c.stdout
    );
    // Errors still exit 2.
    write(
        dir.path(),
        "syn.py",
        "from multiprocessing import Pool\ndef f(:\n",
    );
    let e = pf(dir.path(), &["--check", "--exit-zero", "syn.py"]);
    assert_eq!(e.code, 2, "{e:#?}");
    let both = pf(
        dir.path(),
        &["--exit-zero", "--exit-non-zero-on-fix", "syn.py"],
    );
    assert_eq!(both.code, 2, "{both:#?}");
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}

#[test]
fn write_with_no_diff_prints_no_diff() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(dir.path(), &["--write", "--no-diff", "classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stdout, format!("{CLASSIC_FINDING}\n"));
    assert_classic_fixed(dir.path(), "classic.py");
}

#[test]
fn dry_run_with_no_diff_prints_only_findings() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    // The last of --diff / --no-diff wins.
    let o = pf(dir.path(), &["--diff", "--no-diff", "classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stdout, format!("{CLASSIC_FINDING}\n"));
    assert_eq!(read_str(dir.path(), "classic.py"), CLASSIC);
}

#[test]
fn quiet_keeps_findings_and_diffs_and_drops_the_summary() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let normal = pf(dir.path(), &["classic.py"]);
    let o = pf(dir.path(), &["--quiet", "classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stdout, normal.stdout, "same findings and diff");
    assert!(o.stdout.starts_with(CLASSIC_FINDING), "{}", o.stdout);
    assert_eq!(o.stderr, "", "no summary with --quiet");
    // A CI log shows why --check failed.
    let c = pf(dir.path(), &["-q", "--check", "classic.py"]);
    assert_eq!(c.code, 1, "{c:#?}");
    assert_eq!(c.stdout, format!("{CLASSIC_FINDING}\n"));
    assert_eq!(c.stderr, "");
}

#[test]
fn silent_prints_nothing_but_errors_and_keeps_the_status() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let c = pf(dir.path(), &["-s", "--check", "classic.py"]);
    assert_eq!(c.code, 1, "{c:#?}");
    assert_eq!((c.stdout.as_str(), c.stderr.as_str()), ("", ""));
    let d = pf(dir.path(), &["--silent", "classic.py"]);
    assert_eq!(d.code, 0, "{d:#?}");
    assert_eq!((d.stdout.as_str(), d.stderr.as_str()), ("", ""));
    write(
        dir.path(),
        "syn.py",
        "from multiprocessing import Pool\ndef f(:\n",
    );
    let e = pf(dir.path(), &["-s", "--check", "."]);
    assert_eq!(e.code, 2, "{e:#?}");
    assert_eq!(e.stdout, "");
    assert_eq!(
        e.stderr,
        "picklefix: syn.py: syntax error at 2:7; file left untouched\n"
    );
    let both = pf(dir.path(), &["-q", "-s", "classic.py"]);
    assert_eq!(both.code, 2, "{both:#?}");
}

#[test]
fn color_always_and_never() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(dir.path(), &["--color", "always", "classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(
        o.stdout.contains("\x1b[1;31mPF001\x1b[0m"),
        "{:?}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("\x1b[32m+def _single_process(page):\x1b[0m\n"),
        "{:?}",
        o.stdout
    );
    let n = pf(dir.path(), &["--color", "never", "classic.py"]);
    assert!(!n.stdout.contains('\x1b'), "{:?}", n.stdout);
    // Not a terminal: auto means no colour.
    let a = pf(dir.path(), &["classic.py"]);
    assert!(!a.stdout.contains('\x1b'), "{:?}", a.stdout);
}

#[test]
fn jobs_flag_gives_the_same_result() {
    let dir = tmp();
    for i in 0..4 {
        write(dir.path(), &format!("m{i}.py"), CLASSIC);
    }
    let one = pf(dir.path(), &["--check", "-j", "1", "."]);
    let four = pf(dir.path(), &["--check", "--jobs", "4", "."]);
    assert_eq!(one.code, 1, "{one:#?}");
    assert_eq!(one.stdout, four.stdout);
    assert_eq!(one.stdout.lines().count(), 4, "{}", one.stdout);
    // Sorted by path.
    let paths: Vec<&str> = one
        .stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(paths, ["m0.py", "m1.py", "m2.py", "m3.py"]);
}

// ---------------------------------------------------------------------------------------
// Preservation of bytes we don't own
// ---------------------------------------------------------------------------------------

#[test]
fn crlf_and_tab_indentation_are_kept() {
    let dir = tmp();
    let input = CLASSIC.replace("    ", "\t").replace('\n', "\r\n");
    write(dir.path(), "crlf.py", &input);
    let o = pf(dir.path(), &["--write", "crlf.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    // Columns count characters: a tab is one.
    assert!(
        o.stdout.starts_with("crlf.py:14:25: PF001 [*] "),
        "{}",
        o.stdout
    );
    let text = read_str(dir.path(), "crlf.py");
    assert_ne!(text, input, "not fixed");
    assert!(text.ends_with("\r\n"));
    for (i, line) in text.split_inclusive('\n').enumerate() {
        assert!(
            line.ends_with("\r\n"),
            "line {} lost its CR: {line:?}",
            i + 1
        );
        assert!(!line[..line.len() - 2].contains('\r'), "stray CR: {line:?}");
        assert!(
            !line.starts_with(' '),
            "line {} indented with spaces: {line:?}",
            i + 1
        );
    }
    assert!(
        text.contains("\r\ndef _single_process(page):\r\n\treturn len(page.strip())\r\n"),
        "{text:?}"
    );
    assert!(text.contains("\r\n\t\t\treturn list(pool.map(_single_process, pages))\r\n"));
    assert_parses(&dir.path().join("crlf.py"));
    let once = read(dir.path(), "crlf.py");
    assert_eq!(pf(dir.path(), &["--write", "crlf.py"]).code, 0);
    assert_eq!(read(dir.path(), "crlf.py"), once);
}

#[test]
fn utf8_bom_is_kept() {
    let dir = tmp();
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(CLASSIC.as_bytes());
    write(dir.path(), "bom.py", &input);
    let o = pf(dir.path(), &["--write", "bom.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    // The BOM is not a column.
    assert!(
        o.stdout.starts_with("bom.py:14:34: PF001 [*] "),
        "{}",
        o.stdout
    );
    let bytes = read(dir.path(), "bom.py");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBFimport threading\n"),
        "{bytes:?}"
    );
    assert_eq!(
        bytes.windows(3).filter(|w| w == b"\xEF\xBB\xBF").count(),
        1,
        "exactly one BOM"
    );
    assert_classic_fixed(dir.path(), "bom.py");
}

#[test]
fn missing_trailing_newline_stays_missing() {
    let dir = tmp();
    let input = CLASSIC.strip_suffix('\n').unwrap();
    write(dir.path(), "nonl.py", input);
    let o = pf(dir.path(), &["--write", "nonl.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let text = read_str(dir.path(), "nonl.py");
    assert!(
        text.ends_with("print(PageProcess().run([\"a \", \" bb\"]))"),
        "{text:?}"
    );
    assert_classic_fixed(dir.path(), "nonl.py");
}

#[test]
fn missing_trailing_newline_when_the_fixed_method_ends_the_file() {
    let dir = tmp();
    let input = [
        "from concurrent.futures import ProcessPoolExecutor",
        "",
        "",
        "class PageProcess:",
        "    def run(self, pages):",
        "        with ProcessPoolExecutor() as pool:",
        "            return list(pool.map(self.single_process, pages))",
        "",
        "    def single_process(self, page):",
        "        return len(page.strip())",
    ]
    .join("\r\n");
    write(dir.path(), "last.py", input);
    let o = pf(dir.path(), &["--write", "last.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let text = read_str(dir.path(), "last.py");
    assert!(
        text.ends_with("\r\n        return _single_process(page)"),
        "{text:?}"
    );
    assert!(
        text.contains("\r\ndef _single_process(page):\r\n    return len(page.strip())\r\n"),
        "{text:?}"
    );
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert_parses(&dir.path().join("last.py"));
}

#[test]
fn encoding_cookie_line_is_kept() {
    let dir = tmp();
    let input = format!("#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n{CLASSIC}");
    write(dir.path(), "cookie.py", &input);
    let o = pf(dir.path(), &["--write", "cookie.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(
        o.stdout.starts_with("cookie.py:16:34: PF001 [*] "),
        "{}",
        o.stdout
    );
    let text = read_str(dir.path(), "cookie.py");
    assert!(
        text.starts_with("#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\nimport threading\n"),
        "{text}"
    );
    assert_classic_fixed(dir.path(), "cookie.py");
}

#[test]
fn ascii_file_with_latin1_cookie_is_fixed_and_keeps_the_cookie() {
    let dir = tmp();
    let input = format!("# -*- coding: latin-1 -*-\n{CLASSIC}");
    write(dir.path(), "latin.py", &input);
    let o = pf(dir.path(), &["--write", "latin.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let text = read_str(dir.path(), "latin.py");
    assert!(text.starts_with("# -*- coding: latin-1 -*-\nimport threading\n"));
    assert_classic_fixed(dir.path(), "latin.py");
}

#[cfg(unix)]
#[test]
fn file_permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp();
    write(dir.path(), "perm.py", CLASSIC);
    let path = dir.path().join("perm.py");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o750)).unwrap();
    let o = pf(dir.path(), &["--write", "perm.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_classic_fixed(dir.path(), "perm.py");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o750, "mode is {mode:o}");
    // No temporary file left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["perm.py"]);
}

#[cfg(unix)]
#[test]
fn a_symlinked_file_is_written_through() {
    let dir = tmp();
    write(dir.path(), "real.py", CLASSIC);
    std::os::unix::fs::symlink("real.py", dir.path().join("link.py")).unwrap();
    let o = pf(dir.path(), &["--write", "link.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let meta = std::fs::symlink_metadata(dir.path().join("link.py")).unwrap();
    assert!(
        meta.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    assert_classic_fixed(dir.path(), "real.py");
}

// ---------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------

fn loc(v: &Value) -> (u64, u64) {
    (
        v["row"].as_u64().unwrap_or_else(|| panic!("row: {v}")),
        v["column"]
            .as_u64()
            .unwrap_or_else(|| panic!("column: {v}")),
    )
}

/// Byte offset of a 1-based (row, column-in-characters) position.
fn offset(text: &str, (row, col): (u64, u64)) -> usize {
    let mut start = 0;
    for _ in 1..row {
        start += text[start..].find('\n').expect("row in range") + 1;
    }
    let line = &text[start..];
    start
        + line
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(line.len()))
            .nth(col as usize - 1)
            .expect("column in range")
}

#[test]
fn json_output_shape_and_positions() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    let o = pf(dir.path(), &["--output-format", "json", "classic.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stderr, "", "JSON mode prints no summary");
    let items = json(&o.stdout);
    assert_eq!(items.len(), 1, "{}", o.stdout);
    let f = &items[0];
    assert_eq!(f["code"], "PF001");
    assert_eq!(f["name"], "bound-method-to-process-pool");
    assert_eq!(
        f["message"],
        "bound method `self.single_process` handed to `ProcessPoolExecutor.map`: \
pickles the whole `PageProcess` instance"
    );
    assert_eq!(f["filename"], "classic.py");
    assert_eq!(loc(&f["location"]), (14, 34));
    assert_eq!(loc(&f["end_location"]), (14, 53));
    assert_eq!(f["noqa_row"], 14);
    assert_eq!(f["verdict"], "stateless");
    assert!(f["reason"].is_null(), "{f}");
    let fix = &f["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert!(fix["message"].is_string(), "{fix}");
    let edits = fix["edits"].as_array().expect("edits array");
    assert!(!edits.is_empty());
    for e in edits {
        assert!(e["content"].is_string(), "{e}");
        let (a, b) = (loc(&e["location"]), loc(&e["end_location"]));
        assert!(a.0 >= 1 && a.1 >= 1 && a <= b, "{e}");
    }
    // The hoisted function is inserted before the class (line 5).
    assert_eq!(
        edits[0]["content"],
        "def _single_process(page):\n    return len(page.strip())\n\n\n"
    );
    assert_eq!(loc(&edits[0]["location"]), (5, 1));
    assert_eq!(loc(&edits[0]["end_location"]), (5, 1));
    // The callable itself is replaced.
    let call = edits
        .iter()
        .find(|e| loc(&e["location"]) == (14, 34))
        .expect("an edit at the callable");
    assert_eq!(call["content"], "_single_process");
    assert_eq!(loc(&call["end_location"]), (14, 53));

    // Applying the edits (last first) gives exactly what --write writes.
    let text = apply_json_edits(CLASSIC, &items);
    assert_eq!(pf(dir.path(), &["--write", "classic.py"]).code, 0);
    assert_eq!(read_str(dir.path(), "classic.py"), text);
}

/// Applies every fix's edits from a JSON report to `text` (positions are on `text`).
fn apply_json_edits(text: &str, items: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = items
        .iter()
        .filter(|f| !f["fix"].is_null())
        .flat_map(|f| f["fix"]["edits"].as_array().unwrap().iter())
        .map(|e| {
            (
                offset(text, loc(&e["location"])),
                offset(text, loc(&e["end_location"])),
                e["content"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, content) in spans {
        out.replace_range(start..end, &content);
    }
    out
}

#[test]
fn json_edits_match_what_write_writes_for_crlf_tabs_bom_and_unicode() {
    let dir = tmp();
    let crlf = CLASSIC.replace("    ", "\t").replace('\n', "\r\n");
    let uni = CLASSIC.replace(
        "return list(pool.map(self.single_process, pages))",
        "return [\"é\"] + list(pool.map(self.single_process, pages))  # ✓",
    );
    let nonl = CLASSIC.strip_suffix('\n').unwrap().to_string();
    for (name, text, bom) in [
        ("crlf.py", crlf, false),
        ("uni.py", uni, false),
        ("nonl.py", nonl, false),
        ("bom.py", CLASSIC.to_string(), true),
    ] {
        let mut bytes = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(text.as_bytes());
        write(dir.path(), name, &bytes);
        let o = pf(dir.path(), &["--output-format", "json", name]);
        assert_eq!(o.code, 0, "{name}: {o:#?}");
        let items = json(&o.stdout);
        assert_eq!(items.len(), 1, "{name}: {}", o.stdout);
        let expected = apply_json_edits(&text, &items);
        assert_ne!(expected, text, "{name}: no edits");
        assert_eq!(pf(dir.path(), &["--write", name]).code, 0, "{name}");
        let mut want = if bom {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        want.extend_from_slice(expected.as_bytes());
        assert_eq!(
            String::from_utf8_lossy(&read(dir.path(), name)),
            String::from_utf8_lossy(&want),
            "{name}"
        );
    }
}

#[test]
fn json_stays_valid_when_a_file_cannot_be_processed() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    write(
        dir.path(),
        "syn.py",
        "from multiprocessing import Pool\ndef f(:\n",
    );
    let o = pf(dir.path(), &["--output-format", "json", "--check", "."]);
    assert_eq!(o.code, 2, "{o:#?}");
    let items = json(&o.stdout);
    assert_eq!(items.len(), 1, "{}", o.stdout);
    assert_eq!(items[0]["filename"], "./classic.py");
    assert!(
        o.stderr
            .starts_with("picklefix: syn.py: syntax error at 2:"),
        "{}",
        o.stderr
    );
}

#[test]
fn json_columns_count_characters_not_bytes() {
    let dir = tmp();
    let input = CLASSIC.replace(
        "return list(pool.map(self.single_process, pages))",
        "return [\"é\"] + list(pool.map(self.single_process, pages))",
    );
    write(dir.path(), "uni.py", &input);
    let o = pf(dir.path(), &["--output-format", "json", "uni.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let items = json(&o.stdout);
    assert_eq!(items.len(), 1, "{}", o.stdout);
    assert_eq!(loc(&items[0]["location"]), (14, 42));
    assert_eq!(loc(&items[0]["end_location"]), (14, 61));
    let t = pf(dir.path(), &["--no-diff", "uni.py"]);
    assert!(
        t.stdout.starts_with("uni.py:14:42: PF001 [*] "),
        "{}",
        t.stdout
    );
}

#[test]
fn json_stateful_method_has_no_fix_and_a_reason() {
    let dir = tmp();
    write(dir.path(), "stateful.py", STATEFUL);
    let o = pf(dir.path(), &["--output-format", "json", "stateful.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let items = json(&o.stdout);
    assert_eq!(items.len(), 1, "{}", o.stdout);
    let f = &items[0];
    assert_eq!(f["code"], "PF001");
    assert_eq!(loc(&f["location"]), (16, 34));
    assert!(f["fix"].is_null(), "{f}");
    assert_eq!(f["verdict"], "stateful");
    let reason = f["reason"].as_str().expect("a reason");
    assert!(reason.contains("self.count"), "{reason}");
    assert!(reason.contains("line 11"), "{reason}");
    // Text mode: no [*], the reason in parentheses, exit 1 under --check, nothing written.
    let t = pf(dir.path(), &["--check", "stateful.py"]);
    assert_eq!(t.code, 1, "{t:#?}");
    assert!(
        t.stdout
            .starts_with("stateful.py:16:34: PF001 bound method"),
        "{}",
        t.stdout
    );
    assert!(
        t.stdout
            .trim_end()
            .ends_with(&format!("(not fixed: {reason})")),
        "{}",
        t.stdout
    );
    assert!(
        t.stderr.contains("1 finding without an automatic fix"),
        "{}",
        t.stderr
    );
    for args in [&["--write"][..], &["--write", "--unsafe-fixes"]] {
        let mut args = args.to_vec();
        args.push("stateful.py");
        let w = pf(dir.path(), &args);
        assert_eq!(w.code, 0, "{w:#?}");
        assert_eq!(read_str(dir.path(), "stateful.py"), STATEFUL);
    }
}

#[test]
fn unsafe_fixes_are_shown_but_applied_only_with_the_flag() {
    let dir = tmp();
    write(dir.path(), "reads.py", READS_STATE);
    let o = pf(dir.path(), &["--check", "reads.py"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(
        o.stdout
            .starts_with("reads.py:13:34: PF001 [unsafe fix] bound method"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr
            .contains("\n1 unsafe fix: apply with --write --unsafe-fixes\n"),
        "{}",
        o.stderr
    );
    assert!(
        !o.stderr.contains("safe fix: apply with --write\n"),
        "{}",
        o.stderr
    );
    // A dry run with the flag shows the diff and still names both flags for --write.
    let shown = pf(dir.path(), &["--unsafe-fixes", "reads.py"]);
    assert!(
        shown
            .stderr
            .contains("\n1 unsafe fix: apply with --write --unsafe-fixes\n"),
        "{}",
        shown.stderr
    );
    let j = pf(dir.path(), &["--output-format", "json", "reads.py"]);
    assert_eq!(json(&j.stdout)[0]["fix"]["applicability"], "unsafe");

    // Without the flag: no diff in a dry run, nothing written.
    let dry = pf(dir.path(), &["reads.py"]);
    assert!(!dry.stdout.contains("--- a/"), "{}", dry.stdout);
    let w = pf(dir.path(), &["--write", "reads.py"]);
    assert_eq!(w.code, 0, "{w:#?}");
    assert_eq!(read_str(dir.path(), "reads.py"), READS_STATE);

    // With it: shown, then written, and the program still prints the same.
    let dry = pf(dir.path(), &["--unsafe-fixes", "reads.py"]);
    assert!(dry.stdout.contains("\n--- a/reads.py\n"), "{}", dry.stdout);
    let w = pf(dir.path(), &["--write", "--unsafe-fixes", "reads.py"]);
    assert_eq!(w.code, 0, "{w:#?}");
    let text = read_str(dir.path(), "reads.py");
    assert!(!text.contains("pool.map(self.single_process"), "{text}");
    assert_parses(&dir.path().join("reads.py"));
    let run = std::process::Command::new("python3")
        .arg("reads.py")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        "[4, 5]\n",
        "{}\n{text}",
        String::from_utf8_lossy(&run.stderr)
    );
    let again = pf(dir.path(), &["--write", "--unsafe-fixes", "reads.py"]);
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(read_str(dir.path(), "reads.py"), text, "not idempotent");
}

#[test]
fn json_on_a_clean_run_is_an_empty_array() {
    let dir = tmp();
    write(dir.path(), "t.py", THREADED);
    let o = pf(dir.path(), &["--output-format", "json", "--check", "t.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(json(&o.stdout).is_empty());
}

// ---------------------------------------------------------------------------------------
// Rule selection
// ---------------------------------------------------------------------------------------

#[test]
fn select_and_ignore_change_what_is_reported() {
    let dir = tmp();
    write(dir.path(), "mixed.py", MIXED);
    let pf001 = "mixed.py:19:34: PF001 [*] bound method `self.single_process`";
    let pf100 = "mixed.py:17:30: PF100 bound method `self.handle` handed to `self.executor.submit`";

    let default = pf(dir.path(), &["--no-diff", "mixed.py"]);
    assert_eq!(default.stdout.lines().count(), 1, "{}", default.stdout);
    assert!(default.stdout.starts_with(pf001), "{}", default.stdout);

    let only100 = pf(dir.path(), &["--select", "PF100", "mixed.py"]);
    assert_eq!(only100.code, 0, "{only100:#?}");
    assert_eq!(only100.stdout.lines().count(), 1, "{}", only100.stdout);
    assert!(only100.stdout.starts_with(pf100), "{}", only100.stdout);
    assert!(
        !only100.stdout.contains("--- a/"),
        "PF001 not selected: no fix"
    );

    let both = pf(
        dir.path(),
        &["--no-diff", "--select", "PF001,PF100", "mixed.py"],
    );
    let lines: Vec<&str> = both.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", both.stdout);
    assert!(
        lines[0].starts_with(pf100) && lines[1].starts_with(pf001),
        "{lines:?}"
    );

    let all = pf(dir.path(), &["--no-diff", "--select", "ALL", "mixed.py"]);
    assert_eq!(all.stdout, both.stdout);

    let ignored = pf(dir.path(), &["--check", "--ignore", "PF001", "mixed.py"]);
    assert_eq!(ignored.code, 0, "{ignored:#?}");
    assert_eq!(ignored.stdout, "");

    let sel_ign = pf(
        dir.path(),
        &[
            "--check",
            "--select",
            "PF001,PF100",
            "--ignore",
            "pf001",
            "mixed.py",
        ],
    );
    assert_eq!(sel_ign.code, 1, "{sel_ign:#?}");
    assert_eq!(sel_ign.stdout.lines().count(), 1);
    assert!(sel_ign.stdout.starts_with(pf100), "{}", sel_ign.stdout);

    assert_eq!(read_str(dir.path(), "mixed.py"), MIXED);
}

#[test]
fn unknown_rule_code_is_a_usage_error() {
    let dir = tmp();
    write(dir.path(), "classic.py", CLASSIC);
    for flag in ["--select", "--ignore"] {
        let o = pf(dir.path(), &["--write", flag, "PF777", "classic.py"]);
        assert_eq!(o.code, 2, "{flag}: {o:#?}");
        assert_eq!(o.stdout, "");
        assert!(
            o.stderr.contains("unknown rule code `PF777`"),
            "{}",
            o.stderr
        );
        assert_eq!(read_str(dir.path(), "classic.py"), CLASSIC);
    }
}

// ---------------------------------------------------------------------------------------
// Bad input: reported, untouched, and the good file is still fixed
// ---------------------------------------------------------------------------------------

/// Builds `proj/good.py` (the classic program) plus whatever `setup` adds, runs
/// `picklefix --write proj [extra...]` and checks the good file got fixed.
fn with_good_file(setup: impl FnOnce(&Path), extra: &[&str]) -> (tempfile::TempDir, Out) {
    let dir = tmp();
    write(dir.path(), "proj/good.py", CLASSIC);
    setup(&dir.path().join("proj"));
    let mut args = vec!["--write", "proj"];
    args.extend_from_slice(extra);
    let o = pf(dir.path(), &args);
    assert!(
        o.stdout
            .contains("proj/good.py:14:34: PF001 [*] bound method"),
        "{o:#?}"
    );
    assert_classic_fixed(dir.path(), "proj/good.py");
    (dir, o)
}

fn assert_error(o: &Out, path: &str, reason: &str) {
    let line = format!("picklefix: {path}: {reason}");
    assert!(
        o.stderr.lines().any(|l| l.starts_with(&line)),
        "stderr lacks `{line}`:\n{}",
        o.stderr
    );
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(
        o.stderr.contains("1 file could not be processed"),
        "{}",
        o.stderr
    );
}

#[test]
fn bad_input_syntax_error() {
    let bad = b"from concurrent.futures import ProcessPoolExecutor\ndef f(:\n    pass\n";
    let (dir, o) = with_good_file(|p| write(p, "syn.py", bad), &[]);
    assert_error(&o, "proj/syn.py", "syntax error at 2:");
    assert_eq!(read(dir.path(), "proj/syn.py"), bad);
}

#[test]
fn bad_input_syntax_error_in_a_file_with_findings() {
    // The finding would be fixable if the file parsed; a broken file is never edited.
    // (Its class and method have other names: a broken file that mentions them would
    // block the good file's hoist, see the next test.)
    let bad = format!(
        "{}\ndef broken(:\n",
        CLASSIC
            .replace("single_process", "measure")
            .replace("PageProcess", "Other")
    );
    let (dir, o) = with_good_file(|p| write(p, "syn.py", &bad), &[]);
    assert_error(&o, "proj/syn.py", "syntax error");
    assert_eq!(read_str(dir.path(), "proj/syn.py"), bad);
}

#[test]
fn an_unparsable_file_that_mentions_the_method_blocks_the_hoist() {
    // Nothing in a file that does not parse can be accounted for.
    let dir = tmp();
    write(dir.path(), "proj/good.py", CLASSIC);
    write(dir.path(), "proj/broken.py", "x.single_process = (\n");
    let o = pf(dir.path(), &["--write", "proj"]);
    assert!(
        o.stdout.contains(
            "not fixed: proj/broken.py mentions `single_process` but could not be parsed"
        ),
        "{o:#?}"
    );
    assert_eq!(read_str(dir.path(), "proj/good.py"), CLASSIC);
}

#[test]
fn bad_input_not_utf8() {
    let bad = b"from concurrent.futures import ProcessPoolExecutor\nx = \"caf\xe9\"\n";
    let (dir, o) = with_good_file(|p| write(p, "latin.py", bad), &[]);
    assert_error(&o, "proj/latin.py", "not valid UTF-8 (byte offset 59)");
    assert_eq!(read(dir.path(), "proj/latin.py"), bad);
}

#[test]
fn bad_input_non_ascii_under_a_non_utf8_cookie() {
    // A cookie CPython accepts is honoured (issue 13); one it refuses is named.
    let fine = b"# -*- coding: latin-1 -*-\nfrom concurrent.futures import ProcessPoolExecutor\nx = \"caf\xe9\"\n";
    let bad =
        b"# -*- coding: shift_jis -*-\nfrom concurrent.futures import ProcessPoolExecutor\nx = 1\n";
    let (dir, o) = with_good_file(
        |p| {
            write(p, "latin.py", fine);
            write(p, "sjis.py", bad);
        },
        &[],
    );
    assert_error(&o, "proj/sjis.py", "declares encoding `shift_jis`");
    assert!(!o.stderr.contains("latin.py"), "{o:#?}");
    assert_eq!(read(dir.path(), "proj/latin.py"), fine);
    assert_eq!(read(dir.path(), "proj/sjis.py"), bad);
}

#[test]
fn bad_input_binary_file_with_nul_bytes() {
    let bad = b"ProcessPoolExecutor\x00\x01\x02\xff\xfe pool.map(self.f, x)\x00";
    let (dir, o) = with_good_file(|p| write(p, "x.py", bad), &[]);
    assert_error(&o, "proj/x.py", "binary file (contains NUL bytes)");
    assert_eq!(read(dir.path(), "proj/x.py"), bad);
}

#[test]
fn empty_file_is_fine() {
    for extra in [&[][..], &["--no-prefilter"]] {
        let (dir, o) = with_good_file(|p| write(p, "empty.py", ""), extra);
        assert_eq!(o.code, 0, "{extra:?}: {o:#?}");
        assert!(!o.stderr.contains("empty.py"), "{}", o.stderr);
        assert!(!o.stderr.contains("could not be processed"), "{}", o.stderr);
        assert!(
            o.stderr
                .contains("1 finding in 2 files scanned; fixed 1 finding in 1 file"),
            "{}",
            o.stderr
        );
        assert_eq!(read(dir.path(), "proj/empty.py"), b"");
    }
    // Named explicitly, under --check, and without the prefilter: still clean.
    let dir = tmp();
    write(dir.path(), "empty.py", "");
    for extra in [&[][..], &["--no-prefilter"]] {
        let mut args = vec!["--check", "empty.py"];
        args.extend_from_slice(extra);
        let o = pf(dir.path(), &args);
        assert_eq!(o.code, 0, "{o:#?}");
        assert_eq!(o.stdout, "");
        assert!(
            o.stderr.contains("0 findings in 1 file scanned"),
            "{}",
            o.stderr
        );
    }
}

#[test]
fn directory_named_like_a_python_file_is_walked() {
    let (dir, o) = with_good_file(|p| write(p, "pkg.py/inner.py", CLASSIC), &[]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(!o.stderr.contains("is a directory"), "{}", o.stderr);
    assert!(!o.stderr.contains("could not be processed"), "{}", o.stderr);
    assert!(
        o.stdout.contains("proj/pkg.py/inner.py:14:34: PF001 [*]"),
        "{}",
        o.stdout
    );
    assert_classic_fixed(dir.path(), "proj/pkg.py/inner.py");
    assert!(dir.path().join("proj/pkg.py").is_dir());
    // Named on the command line it is walked too.
    let again = tmp();
    write(again.path(), "pkg.py/inner.py", CLASSIC);
    let o = pf(again.path(), &["--check", "pkg.py"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(
        o.stdout.starts_with("pkg.py/inner.py:14:34: PF001"),
        "{}",
        o.stdout
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_not_followed() {
    let (dir, o) = with_good_file(
        |p| {
            std::fs::create_dir_all(p.join("sub")).unwrap();
            std::os::unix::fs::symlink("..", p.join("sub/loop")).unwrap();
            std::os::unix::fs::symlink("self.py", p.join("self.py")).unwrap();
        },
        &[],
    );
    // Links are not followed in a walk: the loop is neither an error nor walked forever,
    // and good.py is seen once (not again as proj/sub/loop/good.py).
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stdout.lines().count(), 1, "{}", o.stdout);
    assert!(
        o.stderr
            .contains("1 finding in 1 file scanned; fixed 1 finding in 1 file"),
        "{}",
        o.stderr
    );
    let link = dir.path().join("proj/sub/loop");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new(".."));
}

#[cfg(unix)]
#[test]
fn symlink_loop_named_on_the_command_line_is_an_error() {
    let (dir, o) = with_good_file(
        |p| std::os::unix::fs::symlink("self.py", p.join("self.py")).unwrap(),
        &["proj/self.py"],
    );
    assert_error(&o, "proj/self.py", "Too many levels of symbolic links");
    let link = dir.path().join("proj/self.py");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("self.py"));
}

#[test]
fn missing_path_on_the_command_line() {
    let (_dir, o) = with_good_file(|_| {}, &["missing.py", "nowhere/"]);
    assert!(
        o.stderr
            .lines()
            .any(|l| l == "picklefix: missing.py: No such file or directory"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .lines()
            .any(|l| l == "picklefix: nowhere: No such file or directory"),
        "{}",
        o.stderr
    );
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(
        o.stderr.contains("2 files could not be processed"),
        "{}",
        o.stderr
    );
}

#[test]
fn all_bad_inputs_together() {
    // Each names a pool, so the prefilter lets it through.
    let syn = b"from multiprocessing import Pool\ndef f(:\n".to_vec();
    let latin = b"from multiprocessing import Pool\nx = '\xe9'\n".to_vec();
    let nul = b"from multiprocessing import Pool\x00\n".to_vec();
    let (dir, o) = with_good_file(
        |p| {
            write(p, "a/syn.py", &syn);
            write(p, "b/latin.py", &latin);
            write(p, "c/nul.py", &nul);
            write(p, "d/empty.py", "");
            write(p, "e.py/inner.py", THREADED);
        },
        &["missing.py"],
    );
    assert_eq!(o.code, 2, "{o:#?}");
    for (path, reason) in [
        ("missing.py", "No such file or directory"),
        ("proj/a/syn.py", "syntax error at 2:"),
        ("proj/b/latin.py", "not valid UTF-8"),
        ("proj/c/nul.py", "binary file"),
    ] {
        let line = format!("picklefix: {path}: {reason}");
        assert!(
            o.stderr.lines().any(|l| l.starts_with(&line)),
            "lacks `{line}`:\n{}",
            o.stderr
        );
    }
    assert!(
        o.stderr.contains("4 files could not be processed"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("empty.py"), "{}", o.stderr);
    assert!(!o.stderr.contains("e.py"), "{}", o.stderr);
    assert_eq!(read(dir.path(), "proj/a/syn.py"), syn);
    assert_eq!(read(dir.path(), "proj/b/latin.py"), latin);
    assert_eq!(read(dir.path(), "proj/c/nul.py"), nul);
    assert_eq!(read_str(dir.path(), "proj/e.py/inner.py"), THREADED);
    // Errors are reported under --check too, and beat exit code 1.
    let c = pf(dir.path(), &["--check", "proj"]);
    assert_eq!(c.code, 2, "{c:#?}");
    assert!(
        c.stderr.contains("3 files could not be processed"),
        "{}",
        c.stderr
    );
}

// ---------------------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------------------

fn discovery_tree() -> tempfile::TempDir {
    let dir = tmp();
    for sub in ["ignored", ".hidden", "gen", "src", "src/gen"] {
        write(dir.path(), &format!("proj/{sub}/m.py"), CLASSIC);
    }
    write(dir.path(), "proj/.gitignore", "ignored/\n");
    write(dir.path(), "proj/venv/m.py", CLASSIC);
    write(dir.path(), "proj/notes.txt", CLASSIC);
    dir
}

fn reported_paths(o: &Out) -> Vec<&str> {
    o.stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect()
}

#[test]
fn discovery_skips_gitignored_hidden_and_default_excluded_folders() {
    let dir = discovery_tree();
    let o = pf(dir.path(), &["--check", "proj"]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert_eq!(
        reported_paths(&o),
        ["proj/gen/m.py", "proj/src/gen/m.py", "proj/src/m.py"],
        "{}",
        o.stdout
    );
    // Also from inside, with the default path `.`.
    let inside = pf(&dir.path().join("proj"), &["--check"]);
    assert_eq!(
        reported_paths(&inside),
        ["gen/m.py", "src/gen/m.py", "src/m.py"],
        "{}",
        inside.stdout
    );
}

#[test]
fn discovery_exclude_glob() {
    let dir = discovery_tree();
    let o = pf(dir.path(), &["--check", "--exclude", "gen/*", "proj"]);
    assert_eq!(o.code, 1, "{o:#?}");
    // `gen/*` has a slash, so (gitignore syntax) it is anchored at the root.
    assert_eq!(
        reported_paths(&o),
        ["proj/src/gen/m.py", "proj/src/m.py"],
        "{}",
        o.stdout
    );
    let two = pf(
        dir.path(),
        &["--check", "--exclude", "gen/*", "--exclude", "src", "proj"],
    );
    assert_eq!(two.code, 0, "{two:#?}");
    assert_eq!(two.stdout, "");
}

#[test]
fn discovery_explicit_files_are_always_read() {
    let dir = discovery_tree();
    write(dir.path(), "proj/script", CLASSIC);
    let o = pf(
        dir.path(),
        &[
            "--check",
            "--exclude",
            "gen/*",
            "proj/ignored/m.py",
            "proj/.hidden/m.py",
            "proj/gen/m.py",
            "proj/venv/m.py",
            "proj/script",
        ],
    );
    assert_eq!(o.code, 1, "{o:#?}");
    assert_eq!(
        reported_paths(&o),
        [
            "proj/.hidden/m.py",
            "proj/gen/m.py",
            "proj/ignored/m.py",
            "proj/script",
            "proj/venv/m.py"
        ],
        "{}",
        o.stdout
    );
    // And written with --write.
    let w = pf(dir.path(), &["--write", "proj/ignored/m.py"]);
    assert_eq!(w.code, 0, "{w:#?}");
    assert_classic_fixed(dir.path(), "proj/ignored/m.py");
}

#[test]
fn discovery_reads_a_file_once_when_named_twice() {
    let dir = tmp();
    write(dir.path(), "proj/m.py", CLASSIC);
    let o = pf(dir.path(), &["--write", "proj", "proj/m.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_classic_fixed(dir.path(), "proj/m.py");
    assert_eq!(pf(dir.path(), &["--check", "proj"]).code, 0);
}

// ---------------------------------------------------------------------------------------
// Thread pools
// ---------------------------------------------------------------------------------------

#[test]
fn thread_pool_is_never_flagged() {
    let dir = tmp();
    write(dir.path(), "t.py", THREADED);
    let o = pf(dir.path(), &["--check", "t.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stdout, "");
    assert!(
        o.stderr.contains("0 findings in 1 file scanned"),
        "{}",
        o.stderr
    );
    let w = pf(dir.path(), &["--write", "t.py"]);
    assert_eq!(w.code, 0, "{w:#?}");
    assert_eq!(w.stdout, "");
    let d = pf(dir.path(), &["--diff", "t.py"]);
    assert_eq!((d.code, d.stdout.as_str()), (0, ""), "{d:#?}");
    assert_eq!(read_str(dir.path(), "t.py"), THREADED);

    // Same file with both kinds of pool: only the process pool is flagged.
    let both = THREADED.replace(
        "from concurrent.futures import ThreadPoolExecutor",
        "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor",
    )
        + "\n    def run2(self, pages):\n        with ProcessPoolExecutor() as pool:\n            \
return list(pool.map(self.single_process, pages))\n";
    write(dir.path(), "both.py", &both);
    let b = pf(dir.path(), &["--check", "both.py"]);
    assert_eq!(b.code, 1, "{b:#?}");
    assert_eq!(b.stdout.lines().count(), 1, "{}", b.stdout);
    assert!(b.stdout.starts_with("both.py:18:34: PF001"), "{}", b.stdout);
}

#[test]
fn short_help_shows_usage() {
    Command::cargo_bin("picklefix")
        .unwrap()
        .arg("-h")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Usage: picklefix [OPTIONS] [PATHS]...",
        ));
}

// ---------------------------------------------------------------------------------------
// The printed diff is a real patch; suppression comments
// ---------------------------------------------------------------------------------------

#[test]
fn dry_run_diff_applies_with_patch_to_what_write_writes() {
    if std::process::Command::new("patch")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `patch` on PATH");
        return;
    }
    let last = [
        "from concurrent.futures import ProcessPoolExecutor",
        "",
        "",
        "class PageProcess:",
        "    def run(self, pages):",
        "        with ProcessPoolExecutor() as pool:",
        "            return list(pool.map(self.single_process, pages))",
        "",
        "    def single_process(self, page):",
        "        return len(page.strip())",
    ]
    .join("\n");
    let inputs = [
        ("a.py", CLASSIC.to_string()),
        ("crlf.py", CLASSIC.replace('\n', "\r\n")),
        ("nonl.py", CLASSIC.strip_suffix('\n').unwrap().to_string()),
        ("last.py", last),
    ];
    let patched = tmp();
    let written = tmp();
    for (name, text) in &inputs {
        write(patched.path(), name, text);
        write(written.path(), name, text);
    }
    let o = pf(patched.path(), &["--diff", "."]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert_eq!(o.stdout.matches("\n+++ b/").count() + 1, inputs.len() + 1);
    let w = pf(written.path(), &["--write", "--quiet", "."]);
    assert_eq!(w.code, 0, "{w:#?}");
    let mut child = std::process::Command::new("patch")
        .args(["-p1", "--binary", "--quiet"])
        .current_dir(patched.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(o.stdout.as_bytes())
            .unwrap();
    }
    assert!(
        child.wait().unwrap().success(),
        "patch failed:\n{}",
        o.stdout
    );
    for (name, original) in &inputs {
        let got = read_str(patched.path(), name);
        assert_ne!(&got, original, "{name} not changed by the patch");
        assert_eq!(got, read_str(written.path(), name), "{name}");
    }
}

#[test]
fn suppression_comments() {
    let dir = tmp();
    let line = "            return list(pool.map(self.single_process, pages))";
    for (name, comment, reported) in [
        ("noqa.py", "  # noqa", false),
        ("noqa_code.py", "  # noqa: E501, PF001", false),
        ("pf_ignore.py", "  # picklefix: ignore[PF001]", false),
        ("other_code.py", "  # noqa: E501", true),
        ("other_rule.py", "  # picklefix: ignore[PF002]", true),
    ] {
        let text = CLASSIC.replace(line, &format!("{line}{comment}"));
        write(dir.path(), name, &text);
        let o = pf(dir.path(), &["--check", name]);
        assert_eq!(o.code, i32::from(reported), "{name}: {o:#?}");
        assert_eq!(o.stdout.contains("PF001"), reported, "{name}: {o:#?}");
        let w = pf(dir.path(), &["--write", name]);
        assert_eq!(w.code, 0, "{name}: {w:#?}");
        assert_eq!(read_str(dir.path(), name) != text, reported, "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// Known bugs (kept, ignored; see the reasons)
// ---------------------------------------------------------------------------------------

#[test]

fn same_file_named_twice_with_different_spellings_is_processed_once() {
    let dir = tmp();
    write(dir.path(), "proj/m.py", CLASSIC);
    let o = pf(dir.path(), &["--write", "proj", "./proj/m.py"]);
    assert_eq!(o.stdout.matches("PF001").count(), 1, "{o:#?}");
    assert!(!o.stderr.contains("changed on disk"), "{}", o.stderr);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(
        o.stderr
            .contains("1 finding in 1 file scanned; fixed 1 finding in 1 file"),
        "{}",
        o.stderr
    );
    assert_classic_fixed(dir.path(), "proj/m.py");
}

#[test]

fn coding_comment_after_a_code_line_is_not_a_cookie() {
    let dir = tmp();
    // Python reads this file as UTF-8: the second-line comment is not a cookie because the
    // first line is not a comment.
    let text = format!("import os\n# coding: latin-1\n{CLASSIC}x = \"é\"\n");
    write(dir.path(), "c2.py", &text);
    let o = pf(dir.path(), &["--write", "c2.py"]);
    assert!(!o.stderr.contains("declares encoding"), "{}", o.stderr);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_classic_fixed(dir.path(), "c2.py");
}

#[test]
fn files_the_prefilter_skips_are_still_named_when_unreadable() {
    // None of these mentions a pool word: the prefilter skips them, yet each is named.
    let dir = tmp();
    write(dir.path(), "binary.py", b"\x7fELF\x02\x01\x00\x00\xff\xfe");
    write(dir.path(), "latin.py", b"NAME = 'caf\xe9'\n");
    write(
        dir.path(),
        "bad_cp1252.py",
        b"# coding: cp1252\nX = '\x81'\n",
    );
    write(
        dir.path(),
        "bom_latin.py",
        b"\xEF\xBB\xBF# coding: latin-1\nX = 1\n",
    );
    write(
        dir.path(),
        "fine.py",
        b"# coding: latin-1\nNAME = 'caf\xe9'\n",
    );
    let o = pf(dir.path(), &["--write", "."]);
    assert_eq!(o.code, 2, "{o:#?}");
    for (file, why) in [
        ("binary.py", "binary file"),
        ("latin.py", "not valid UTF-8 (byte offset 11)"),
        ("bad_cp1252.py", "not valid cp1252"),
        ("bom_latin.py", "iso-8859-1 with BOM"),
    ] {
        assert!(
            o.stderr
                .lines()
                .any(|l| l.contains(file) && l.contains(why)),
            "{file}: {why}\n{o:#?}"
        );
    }
    assert!(!o.stderr.contains("fine.py"), "{o:#?}");
}

#[test]
fn latin1_file_is_fixed_in_latin1_and_other_bytes_stay() {
    let dir = tmp();
    let body = CLASSIC.replace(
        "import threading",
        "import threading\nSIGN = 'caf\u{e9}'  # \u{e9}",
    );
    let mut input = b"# -*- coding: latin-1 -*-\n".to_vec();
    input.extend(body.chars().map(|c| u8::try_from(u32::from(c)).unwrap()));
    write(dir.path(), "latin.py", &input);
    let o = pf(dir.path(), &["--write", "latin.py"]);
    assert_eq!(o.code, 0, "{o:#?}");
    let out = read(dir.path(), "latin.py");
    assert_ne!(out, input);
    // Still latin-1: the é is one byte 0xE9, twice, and no UTF-8 sequence appeared.
    assert_eq!(out.iter().filter(|&&b| b == 0xE9).count(), 2);
    assert!(!out.windows(2).any(|w| w == b"\xC3\xA9"));
    assert!(out.starts_with(b"# -*- coding: latin-1 -*-\nimport threading\nSIGN = 'caf\xe9'"));
    let again = pf(dir.path(), &["--write", "latin.py"]);
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(
        read(dir.path(), "latin.py"),
        out,
        "a second run changes nothing"
    );
}
