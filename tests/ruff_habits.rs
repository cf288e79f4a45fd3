//! What a ruff user expects (issue 14): patches that `git apply` and `patch -p1` take,
//! output formats in their documented shapes, stdin, `--config`/`--isolated`,
//! `--force-exclude` for pre-commit, `--show-files`/`--show-settings`, `--add-noqa`,
//! suppression comments read like ruff's, read-only files, and the README's flag table.

mod common;
use common::{CLASSIC, STATEFUL};

use std::io::Write;
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
    raw: Vec<u8>,
}

fn pf_with(dir: &Path, args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Out {
    let mut cmd = Command::cargo_bin("picklefix").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CI_PROJECT_DIR")
        .args(args)
        .timeout(Duration::from_secs(30));
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(input) = stdin {
        cmd.write_stdin(input.to_vec());
    }
    let out = cmd.output().unwrap();
    let o = Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw: out.stdout,
    };
    assert_ne!(o.code, -1, "killed by a signal or timed out: {o:#?}");
    assert!(!o.stderr.contains("panicked"), "panic: {o:#?}");
    o
}

fn pf(dir: &Path, args: &[&str]) -> Out {
    pf_with(dir, args, None, &[])
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

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

fn have(tool: &str) -> bool {
    Process::new(tool).arg("--version").output().is_ok()
}

/// The classic program with a lambda: a PF001 safe fix and a PF002 safe fix.
const LAMBDA: &str = "from concurrent.futures import ProcessPoolExecutor\n\n\ndef run(xs):\n    with ProcessPoolExecutor() as pool:\n        return list(pool.map(lambda x: x * 2, xs))\n";

/// A closure: only an unsafe fix (PF003).
const CLOSURE: &str = "from concurrent.futures import ProcessPoolExecutor\n\n\ndef run(xs, k):\n    def work(x):\n        return x * k\n\n    with ProcessPoolExecutor() as pool:\n        return list(pool.map(work, xs))\n";

// ---------------------------------------------------------------------------------------
// Patches
// ---------------------------------------------------------------------------------------

/// Every convention a file can have, each fixable.
fn patch_inputs() -> Vec<(&'static str, Vec<u8>)> {
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
    let tabs = CLASSIC.replace("    ", "\t");
    let bom = |s: &str| [b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat();
    vec![
        ("classic.py", CLASSIC.as_bytes().to_vec()),
        ("crlf.py", CLASSIC.replace('\n', "\r\n").into_bytes()),
        ("tabs.py", tabs.clone().into_bytes()),
        ("tabs_crlf.py", tabs.replace('\n', "\r\n").into_bytes()),
        ("bom.py", bom(CLASSIC)),
        ("bom_crlf.py", bom(&CLASSIC.replace('\n', "\r\n"))),
        (
            "nonl.py",
            CLASSIC.strip_suffix('\n').unwrap().as_bytes().to_vec(),
        ),
        ("last_nonl.py", last.into_bytes()),
        ("pkg/sub/lambda.py", LAMBDA.as_bytes().to_vec()),
        ("bom_lambda.py", bom(LAMBDA)),
    ]
}

fn apply(tool: &str, dir: &Path, patch: &[u8]) -> Result<(), String> {
    let mut cmd = match tool {
        "git" => {
            let mut c = Process::new("git");
            c.args(["apply", "--whitespace=nowarn", "-"]);
            c
        }
        _ => {
            let mut c = Process::new("patch");
            c.args(["-p1", "--binary", "--quiet", "--forward"]);
            c
        }
    };
    let mut child = cmd
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child.stdin.take().unwrap().write_all(patch).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{tool} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn dry_run_diffs_apply_with_git_apply_and_patch_and_equal_write() {
    let tools: Vec<&str> = ["git", "patch"].into_iter().filter(|t| have(t)).collect();
    assert!(tools.contains(&"git"), "git is needed for this test");
    let inputs = patch_inputs();
    let fresh = || {
        let d = tmp();
        for (name, bytes) in &inputs {
            write(d.path(), name, bytes);
        }
        d
    };
    let written = fresh();
    let w = pf(written.path(), &["--write", "."]);
    assert_eq!(w.code, 0, "{w:#?}");

    // The paths a user may type: `.`, `./`, the folder's absolute path, single files.
    let source = fresh();
    let abs = source.path().display().to_string();
    let variants: Vec<Vec<String>> = vec![
        vec![".".into()],
        vec!["./".into()],
        vec![abs.clone()],
        inputs.iter().map(|(n, _)| format!("./{n}")).collect(),
        inputs.iter().map(|(n, _)| format!("{abs}/{n}")).collect(),
    ];
    for args in &variants {
        let mut full = vec!["--diff".to_string()];
        full.extend(args.iter().cloned());
        let full: Vec<&str> = full.iter().map(String::as_str).collect();
        let o = pf(source.path(), &full);
        assert_eq!(o.code, 1, "--diff exits 1 when files would change: {o:#?}");
        for line in o
            .stdout
            .lines()
            .filter(|l| l.starts_with("--- ") || l.starts_with("+++ "))
        {
            let path = &line[4..];
            assert!(
                path.starts_with("a/") || path.starts_with("b/"),
                "{args:?}: {line}"
            );
            assert!(
                !path[2..].starts_with('.') && !path[2..].starts_with('/'),
                "{args:?}: {line}"
            );
        }
        assert_eq!(
            o.stdout.matches("\n+++ b/").count() + usize::from(o.stdout.starts_with("+++")),
            inputs.len(),
            "one diff per file: {}",
            o.stdout
        );
        for tool in &tools {
            let target = fresh();
            apply(tool, target.path(), &o.raw)
                .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", o.stdout));
            for (name, original) in &inputs {
                let got = read(target.path(), name);
                assert_ne!(&got, original, "{tool} {args:?}: {name} unchanged");
                assert_eq!(
                    got,
                    read(written.path(), name),
                    "{tool} {args:?}: {name} differs from --write"
                );
            }
        }
    }
    // The BOM stays on the first line of both sides.
    let o = pf(source.path(), &["--diff", "bom_lambda.py"]);
    assert!(
        o.stdout.contains("\n@@ -1,") && o.stdout.contains("\n \u{feff}from concurrent"),
        "{}",
        o.stdout
    );
}

// ---------------------------------------------------------------------------------------
// Output formats, each in its documented shape
// ---------------------------------------------------------------------------------------

/// classic.py (PF001, safe fix), pkg/lambda.py (PF002, safe fix), stateful.py (PF001, no
/// fix), closure.py (PF003, unsafe fix).
fn formats_tree() -> tempfile::TempDir {
    let d = tmp();
    write(d.path(), "classic.py", CLASSIC);
    write(d.path(), "pkg/lambda.py", LAMBDA);
    write(d.path(), "stateful.py", STATEFUL);
    write(d.path(), "closure.py", CLOSURE);
    d
}

#[test]
fn concise_is_one_line_per_finding() {
    let d = formats_tree();
    let o = pf(d.path(), &["--output-format", "concise", "."]);
    assert_eq!(o.code, 0, "{o:#?}");
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", o.stdout);
    assert_eq!(
        lines[0],
        "classic.py:14:34: PF001 [*] bound method `self.single_process` handed to \
         `ProcessPoolExecutor.map`: pickles the whole `PageProcess` instance"
    );
    for line in &lines {
        // path:row:col: CODE [marker] message
        let mut parts = line.splitn(4, ':');
        let path = parts.next().unwrap();
        assert!(path.ends_with(".py") && !path.starts_with("./"), "{line}");
        assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{line}");
        assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{line}");
        let rest = parts.next().unwrap();
        assert!(rest.starts_with(" PF00"), "{line}");
    }
    assert!(
        o.stdout.contains("closure.py:9:30: PF003 [unsafe fix] "),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("--- a/"), "no diffs: {}", o.stdout);
    assert!(
        o.stderr.contains("4 findings in 4 files scanned"),
        "{}",
        o.stderr
    );
}

#[test]
fn grouped_lists_findings_under_their_file() {
    let d = formats_tree();
    write(
        d.path(),
        "two.py",
        "from concurrent.futures import ProcessPoolExecutor\n\n\ndef run(xs):\n    with ProcessPoolExecutor() as pool:\n        a = pool.map(lambda x: x, xs)\n\n\n\n\n        return pool.submit(lambda: 1), a\n",
    );
    let o = pf(d.path(), &["--output-format", "grouped", "."]);
    assert_eq!(o.code, 0, "{o:#?}");
    let expected = "\
classic.py:
  14:34 PF001 [*] bound method `self.single_process` handed to `ProcessPoolExecutor.map`: pickles the whole `PageProcess` instance

closure.py:
  9:30 PF003 [unsafe fix] local function `work` handed to `ProcessPoolExecutor.map` cannot be pickled

pkg/lambda.py:
  6:30 PF002 [*] lambda handed to `ProcessPoolExecutor.map` cannot be pickled

stateful.py:
  16:34 PF001 bound method `self.single_process` handed to `ProcessPoolExecutor.map`: pickles the whole `PageProcess` instance; pickling fails: `self.lock = threading.Lock()` (line 7) → TypeError: cannot pickle '_thread.lock' object; lost write: `self.count += 1` (line 11) changes the worker's copy of the instance, never the parent's (not fixed: `single_process` writes `self.count` (line 11))

two.py:
   6:22 PF002 [*] lambda handed to `ProcessPoolExecutor.map` cannot be pickled
  11:28 PF002 [*] lambda handed to `ProcessPoolExecutor.submit` cannot be pickled

";
    assert_eq!(o.stdout, expected);
}

fn unescape_github(s: &str) -> String {
    s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

#[test]
fn github_annotations_follow_the_workflow_command_syntax() {
    let d = formats_tree();
    write(d.path(), "we,ird:name%.py", LAMBDA);
    let o = pf(d.path(), &["--output-format", "github", "--check", "."]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert_eq!(o.stderr, "", "machine formats print no summary");
    let lines: Vec<&str> = o.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{}", o.stdout);
    let mut files = Vec::new();
    for line in &lines {
        // ::error <key>=<value>,...::<message>
        let rest = line
            .strip_prefix("::error ")
            .unwrap_or_else(|| panic!("{line}"));
        let (props, message) = rest.split_once("::").unwrap_or_else(|| panic!("{line}"));
        let mut seen = Vec::new();
        for prop in props.split(',') {
            let (k, v) = prop.split_once('=').unwrap_or_else(|| panic!("{prop}"));
            assert!(
                ["title", "file", "line", "endLine", "col", "endColumn"].contains(&k),
                "{k} in {line}"
            );
            if k != "title" && k != "file" {
                assert!(v.parse::<u32>().is_ok_and(|n| n >= 1), "{prop}");
            }
            seen.push(k);
            if k == "file" {
                files.push(unescape_github(v));
            }
            if k == "title" {
                assert!(unescape_github(v).starts_with("picklefix (PF00"), "{v}");
            }
        }
        assert_eq!(
            seen,
            ["title", "file", "line", "col", "endLine", "endColumn"],
            "{line}"
        );
        let message = unescape_github(message);
        assert!(message.contains(": PF00"), "{message}");
        assert!(!message.contains('\n'), "{message}");
    }
    assert!(lines[0].starts_with(
        "::error title=picklefix (PF001),file=classic.py,line=14,col=34,endLine=14,endColumn=53::classic.py:14:34: PF001 bound method"
    ), "{}", lines[0]);
    assert!(files.contains(&"we,ird:name%.py".to_string()), "{files:?}");
    // Properties are escaped so the commas and colons of the name do not split them.
    assert!(
        o.stdout.contains("file=we%2Cird%3Aname%25.py,"),
        "{}",
        o.stdout
    );
}

#[test]
fn gitlab_code_quality_report_has_the_required_fields() {
    let d = formats_tree();
    // Two identical findings in one file still get distinct fingerprints.
    write(
        d.path(),
        "pkg/twice.py",
        "from concurrent.futures import ProcessPoolExecutor\n\n\ndef run(xs):\n    with ProcessPoolExecutor() as pool:\n        pool.map(lambda x: x, xs)\n        pool.map(lambda x: x, xs)\n",
    );
    let o = pf(d.path(), &["--output-format", "gitlab", "."]);
    assert_eq!(o.code, 0, "{o:#?}");
    let report = json(&o.stdout);
    let issues = report.as_array().expect("a JSON array");
    assert_eq!(issues.len(), 6, "{}", o.stdout);
    let mut fingerprints = std::collections::BTreeSet::new();
    for issue in issues {
        let description = issue["description"].as_str().expect("description");
        let check = issue["check_name"].as_str().expect("check_name");
        assert!(description.starts_with(&format!("{check}: ")), "{issue}");
        let severity = issue["severity"].as_str().expect("severity");
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&severity),
            "{issue}"
        );
        assert!(fingerprints.insert(
            issue["fingerprint"]
                .as_str()
                .expect("fingerprint")
                .to_string()
        ));
        let path = issue["location"]["path"].as_str().expect("location.path");
        assert!(
            !path.starts_with("./") && !path.starts_with('/') && path.ends_with(".py"),
            "{path}"
        );
        let begin = &issue["location"]["positions"]["begin"];
        assert!(begin["line"].as_u64().is_some_and(|n| n >= 1), "{issue}");
        assert!(begin["column"].as_u64().is_some_and(|n| n >= 1), "{issue}");
        assert!(
            issue["location"]["positions"]["end"]["line"]
                .as_u64()
                .is_some(),
            "{issue}"
        );
    }
    // Fingerprints do not depend on the line, so moving code keeps them.
    let moved = pf(d.path(), &["--output-format", "gitlab", "classic.py"]);
    write(d.path(), "classic.py", format!("\n\n{CLASSIC}"));
    let after = pf(d.path(), &["--output-format", "gitlab", "classic.py"]);
    assert_eq!(
        json(&moved.stdout)[0]["fingerprint"],
        json(&after.stdout)[0]["fingerprint"]
    );
    assert_ne!(
        json(&moved.stdout)[0]["location"],
        json(&after.stdout)[0]["location"]
    );

    // Paths are relative to the repository root GitLab names.
    let sub = d.path().join("pkg");
    let root = d.path().display().to_string();
    let o = pf_with(
        &sub,
        &["--output-format", "gitlab", "lambda.py"],
        None,
        &[("CI_PROJECT_DIR", &root)],
    );
    assert_eq!(json(&o.stdout)[0]["location"]["path"], "pkg/lambda.py");
}

/// The JUnit document as python's XML parser reads it, summarised as JSON.
fn junit_summary(xml: &str) -> Value {
    let script = r#"
import json, sys
import xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
out = {"tag": root.tag, "attrib": root.attrib, "suites": []}
for suite in root:
    cases = []
    for case in suite:
        failures = [dict(f.attrib, text=f.text) for f in case if f.tag == "failure"]
        cases.append({"tag": case.tag, "attrib": case.attrib, "failures": failures})
    out["suites"].append({"tag": suite.tag, "attrib": suite.attrib, "cases": cases})
print(json.dumps(out))
"#;
    let mut child = Process::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "not XML: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&String::from_utf8_lossy(&out.stdout))
}

#[test]
fn junit_is_xml_in_the_jenkins_schema_shape() {
    let d = formats_tree();
    write(
        d.path(),
        "x&y.py",
        LAMBDA.replace("x * 2", "x < 2 and '\"&'"),
    );
    let o = pf(d.path(), &["--output-format", "junit", "--check", "."]);
    assert_eq!(o.code, 1, "{o:#?}");
    assert!(
        o.stdout
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{}",
        o.stdout
    );
    let doc = junit_summary(&o.stdout);
    assert_eq!(doc["tag"], "testsuites");
    assert_eq!(doc["attrib"]["tests"], "5");
    assert_eq!(doc["attrib"]["failures"], "5");
    let suites = doc["suites"].as_array().unwrap();
    assert_eq!(suites.len(), 5, "one suite per file");
    let mut total = 0;
    for suite in suites {
        assert_eq!(suite["tag"], "testsuite");
        let cases = suite["cases"].as_array().unwrap();
        let name = suite["attrib"]["name"].as_str().unwrap();
        assert!(name.ends_with(".py"), "{suite}");
        assert_eq!(suite["attrib"]["tests"], cases.len().to_string());
        assert_eq!(suite["attrib"]["failures"], cases.len().to_string());
        for case in cases {
            assert_eq!(case["tag"], "testcase");
            assert!(case["attrib"]["name"]
                .as_str()
                .unwrap()
                .starts_with("org.picklefix.PF00"));
            assert!(case["attrib"]["classname"].is_string());
            assert!(case["attrib"]["line"]
                .as_str()
                .unwrap()
                .parse::<u32>()
                .is_ok());
            let f = &case["failures"][0];
            assert!(
                f["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{case}"
            );
            assert!(f["text"].as_str().unwrap().starts_with("line "), "{case}");
            total += 1;
        }
    }
    assert_eq!(total, 5);
    assert!(
        suites.iter().any(|s| s["attrib"]["name"] == "x&y.py"),
        "escaped names survive"
    );

    // A clean run still has one (passing) test case.
    let clean = tmp();
    write(clean.path(), "ok.py", "x = 1\n");
    let o = pf(clean.path(), &["--output-format", "junit", "--check", "."]);
    assert_eq!(o.code, 0, "{o:#?}");
    let doc = junit_summary(&o.stdout);
    assert_eq!(doc["attrib"]["failures"], "0");
    assert_eq!(
        doc["suites"][0]["cases"][0]["failures"],
        Value::Array(vec![])
    );
}

#[test]
fn diff_needs_a_human_format() {
    let d = formats_tree();
    let o = pf(d.path(), &["--diff", "--output-format", "json", "."]);
    assert_eq!(o.code, 2, "{o:#?}");
    assert!(o.stderr.contains("--diff"), "{}", o.stderr);
}

// ---------------------------------------------------------------------------------------
// Summary: safe and unsafe fixes apart, each with the flags that apply it
// ---------------------------------------------------------------------------------------

#[test]
fn summary_counts_safe_and_unsafe_fixes_apart() {
    let d = formats_tree();
    let o = pf(d.path(), &["."]);
    assert_eq!(
        o.stderr,
        "4 findings in 4 files scanned; 2 files would change\n\
         2 safe fixes: apply with --write\n\
         1 unsafe fix: apply with --write --unsafe-fixes\n\
         1 finding without an automatic fix (reasons above)\n"
    );
    let u = pf(d.path(), &["--unsafe-fixes", "."]);
    assert!(
        u.stderr.contains(
            "\n2 safe fixes: apply with --write\n1 unsafe fix: apply with --write --unsafe-fixes\n"
        ),
        "{}",
        u.stderr
    );
    let w = pf(d.path(), &["--write", "."]);
    assert_eq!(
        w.stderr,
        "4 findings in 4 files scanned; fixed 2 findings in 2 files\n\
         1 unsafe fix was not applied: apply with --write --unsafe-fixes\n\
         1 finding without an automatic fix (reasons above)\n"
    );
    // Switched on by the configuration: --write alone applies it.
    let c = tmp();
    write(c.path(), "closure.py", CLOSURE);
    write(
        c.path(),
        "pyproject.toml",
        "[tool.picklefix]\nunsafe-fixes = true\n",
    );
    let o = pf(c.path(), &["."]);
    assert!(
        o.stderr.contains(
            "\n1 unsafe fix: apply with --write (unsafe-fixes is on in the configuration)\n"
        ),
        "{}",
        o.stderr
    );
}

#[test]
fn check_table_counts_fixable_findings() {
    let d = tmp();
    write(d.path(), "a/classic.py", CLASSIC);
    write(d.path(), "b/classic.py", CLASSIC);
    let o = pf(d.path(), &["--check", "--per-repository", "a", "b"]);
    assert_eq!(o.code, 1, "{o:#?}");
    let row: Vec<&str> = o
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(row, ["a", "1", "1", "1", "0", "-"], "{}", o.stdout);
}

// ---------------------------------------------------------------------------------------
// stdin
// ---------------------------------------------------------------------------------------

#[test]
fn stdin_reports_findings_and_write_prints_the_fixed_source() {
    let d = tmp();
    write(d.path(), "classic.py", CLASSIC);
    let o = pf_with(d.path(), &["-"], Some(CLASSIC.as_bytes()), &[]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(
        o.stdout.starts_with("-:14:34: PF001 [*] bound method"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("\n--- a/-\n+++ b/-\n"), "{}", o.stdout);

    let c = pf_with(
        d.path(),
        &["--check", "--stdin-filename", "pkg/classic.py", "-"],
        Some(CLASSIC.as_bytes()),
        &[],
    );
    assert_eq!(c.code, 1, "{c:#?}");
    assert!(
        c.stdout.starts_with("pkg/classic.py:14:34: PF001"),
        "{}",
        c.stdout
    );

    // --write: the fixed source on stdout, byte for byte what --write writes to a file.
    let w = pf(d.path(), &["--write", "classic.py"]);
    assert_eq!(w.code, 0, "{w:#?}");
    let fixed = read(d.path(), "classic.py");
    for input in [CLASSIC.to_string(), CLASSIC.replace('\n', "\r\n")] {
        let file = tmp();
        write(file.path(), "m.py", &input);
        pf(file.path(), &["--write", "m.py"]);
        let s = pf_with(
            d.path(),
            &["--write", "--stdin-filename", "m.py", "-"],
            Some(input.as_bytes()),
            &[],
        );
        assert_eq!(s.code, 0, "{s:#?}");
        assert_eq!(s.raw, read(file.path(), "m.py"));
        assert!(
            !s.stderr.contains("PF001"),
            "fixed findings are not reported: {}",
            s.stderr
        );
        assert!(
            s.stderr.contains("fixed 1 finding in 1 file"),
            "{}",
            s.stderr
        );
    }
    assert_eq!(
        pf_with(d.path(), &["--write", "-"], Some(CLASSIC.as_bytes()), &[]).raw,
        fixed
    );
    // A BOM survives; what cannot be fixed is echoed unchanged, its findings on stderr.
    let bom = [b"\xEF\xBB\xBF".as_slice(), CLASSIC.as_bytes()].concat();
    let b = pf_with(d.path(), &["--write", "-"], Some(&bom), &[]);
    assert!(b.raw.starts_with(b"\xEF\xBB\xBFimport threading\n"));
    assert_eq!(b.raw[3..], fixed[..]);
    let n = pf_with(
        d.path(),
        &["--write", "--exit-non-zero-on-fix", "-"],
        Some(CLASSIC.as_bytes()),
        &[],
    );
    assert_eq!(n.code, 1, "{n:#?}");
    let s = pf_with(d.path(), &["--write", "-"], Some(STATEFUL.as_bytes()), &[]);
    assert_eq!(s.code, 0, "{s:#?}");
    assert_eq!(s.stdout, STATEFUL);
    assert!(
        s.stderr.contains("-:16:34: PF001 bound method"),
        "{}",
        s.stderr
    );

    // Broken input: exit 2, the input back unchanged, the reason named.
    let broken = "from multiprocessing import Pool\ndef f(:\n";
    let e = pf_with(
        d.path(),
        &["--write", "--stdin-filename", "x.py", "-"],
        Some(broken.as_bytes()),
        &[],
    );
    assert_eq!(e.code, 2, "{e:#?}");
    assert_eq!(e.stdout, broken);
    assert!(e.stderr.contains("x.py: syntax error"), "{}", e.stderr);

    // `-` with other paths is a usage error, and so is --add-noqa on stdin.
    let u = pf(d.path(), &["-", "classic.py"]);
    assert_eq!(u.code, 2, "{u:#?}");
    let n = pf_with(
        d.path(),
        &["--add-noqa", "-"],
        Some(CLASSIC.as_bytes()),
        &[],
    );
    assert_eq!((n.code, n.stdout.as_str()), (2, ""), "{n:#?}");
}

#[test]
fn stdin_filename_finds_its_configuration_and_excludes() {
    let d = tmp();
    write(
        d.path(),
        "proj/pyproject.toml",
        "[tool.picklefix]\nignore = [\"PF002\"]\nexclude = [\"gen/\"]\n",
    );
    write(d.path(), "proj/pkg/keep.py", "x = 1\n");
    let lambda = LAMBDA.as_bytes();
    let o = pf_with(
        d.path(),
        &["--check", "--stdin-filename", "proj/pkg/new.py", "-"],
        Some(lambda),
        &[],
    );
    assert_eq!(o.code, 0, "ignored by proj/pyproject.toml: {o:#?}");
    let o = pf_with(
        d.path(),
        &["--check", "--stdin-filename", "other/new.py", "-"],
        Some(lambda),
        &[],
    );
    assert_eq!(o.code, 1, "{o:#?}");
    // Under --force-exclude an excluded name is skipped; --write echoes it.
    let args = [
        "--check",
        "--select",
        "PF002",
        "--force-exclude",
        "--stdin-filename",
        "proj/gen/x.py",
        "-",
    ];
    let o = pf_with(d.path(), &args, Some(lambda), &[]);
    assert_eq!((o.code, o.stdout.as_str()), (0, ""), "{o:#?}");
    let args = [
        "--write",
        "--select",
        "PF002",
        "--force-exclude",
        "--stdin-filename",
        "proj/gen/x.py",
        "-",
    ];
    let o = pf_with(d.path(), &args, Some(lambda), &[]);
    assert_eq!(o.raw, lambda);
    let args = [
        "--write",
        "--select",
        "PF002",
        "--stdin-filename",
        "proj/gen/x.py",
        "-",
    ];
    let o = pf_with(d.path(), &args, Some(lambda), &[]);
    assert_ne!(
        o.raw, lambda,
        "without --force-exclude a named file is checked"
    );
}

#[test]
fn stdin_sees_overrides_in_the_project() {
    // A subclass elsewhere in the project overrides the method: no safe hoist.
    let d = tmp();
    write(d.path(), "proj/pyproject.toml", "[project]\nname = \"p\"\n");
    write(d.path(), "proj/pkg/sub.py", "from pkg.page import PageProcess\n\n\nclass Special(PageProcess):\n    def single_process(self, page):\n        return 0\n");
    let o = pf_with(
        d.path(),
        &["--stdin-filename", "proj/pkg/page.py", "--write", "-"],
        Some(CLASSIC.as_bytes()),
        &[],
    );
    assert_eq!(o.stdout, CLASSIC, "{o:#?}");
    assert!(o.stderr.contains("overridden by"), "{}", o.stderr);
    // And in the buffer itself.
    let same = format!(
        "{CLASSIC}\n\nclass Special(PageProcess):\n    def single_process(self, page):\n        return 0\n"
    );
    let o = pf_with(d.path(), &["--write", "-"], Some(same.as_bytes()), &[]);
    assert_eq!(o.stdout, same, "{o:#?}");
    assert!(o.stderr.contains("overridden by"), "{}", o.stderr);
}

// ---------------------------------------------------------------------------------------
// --config, --isolated
// ---------------------------------------------------------------------------------------

#[test]
fn config_file_and_inline_overrides() {
    let d = tmp();
    write(
        d.path(),
        "repo/pyproject.toml",
        "[tool.picklefix]\nignore = [\"PF002\"]\n",
    );
    write(d.path(), "repo/lambda.py", LAMBDA);
    write(d.path(), "repo/closure.py", CLOSURE);
    write(d.path(), "policy.toml", "select = [\"PF002\"]\n");
    let codes = |o: &Out| -> Vec<String> {
        let mut v: Vec<String> = json(&o.stdout)
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    let base = ["--output-format", "json"];
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        args.push("repo");
        pf(d.path(), &args)
    };
    assert_eq!(
        codes(&run(&[])),
        ["PF003"],
        "the repository's own pyproject"
    );
    // One file for every root instead of discovery.
    assert_eq!(codes(&run(&["--config", "policy.toml"])), ["PF002"]);
    // Inline overrides win over files, later ones over earlier ones.
    assert_eq!(
        codes(&run(&[
            "--config",
            "policy.toml",
            "--config",
            "select = [\"PF003\"]"
        ])),
        ["PF003"]
    );
    assert_eq!(
        codes(&run(&["--config", "ignore = []"])),
        ["PF002", "PF003"]
    );
    assert_eq!(
        codes(&run(&[
            "--config",
            "ignore = []",
            "--config",
            "ignore = [\"PF003\"]"
        ])),
        ["PF002"]
    );
    // Flags win over everything.
    assert_eq!(
        codes(&run(&[
            "--config",
            "select = [\"PF003\"]",
            "--select",
            "PF002"
        ])),
        ["PF002"]
    );
    // A pyproject.toml named explicitly.
    write(
        d.path(),
        "other/pyproject.toml",
        "[tool.picklefix]\nselect = [\"PF002\"]\n",
    );
    assert_eq!(
        codes(&run(&["--config", "other/pyproject.toml"])),
        ["PF002"]
    );
    // A config file's excludes are relative to its own folder.
    write(
        d.path(),
        "strict.toml",
        "exclude = [\"/repo/closure.py\"]\n",
    );
    assert_eq!(codes(&run(&["--config", "strict.toml"])), ["PF002"]);
    write(
        d.path(),
        "policies/strict.toml",
        "exclude = [\"/repo/closure.py\"]\n",
    );
    assert_eq!(
        codes(&run(&["--config", "policies/strict.toml"])),
        ["PF002", "PF003"],
        "anchored at policies/, so nothing under repo/ matches"
    );
    // Inline excludes are relative to the current folder.
    assert_eq!(
        codes(&run(&["--config", "exclude = [\"/repo/lambda.py\"]"])),
        ["PF003"]
    );
    // Inline unsafe-fixes = true applies the unsafe fix.
    let w = pf(
        d.path(),
        &["--write", "--config", "unsafe-fixes = true", "repo"],
    );
    assert_eq!(w.code, 0, "{w:#?}");
    assert!(read_str(d.path(), "repo/closure.py").contains("functools.partial"));

    // --isolated: no configuration file at all; inline overrides still apply.
    write(d.path(), "repo/closure.py", CLOSURE);
    assert_eq!(codes(&run(&["--isolated"])), ["PF002", "PF003"]);
    assert_eq!(
        codes(&run(&["--isolated", "--config", "ignore = [\"PF003\"]"])),
        ["PF002"]
    );

    // Errors name what is wrong.
    for (args, says) in [
        (vec!["--isolated", "--config", "policy.toml"], "--isolated"),
        (
            vec![
                "--config",
                "policy.toml",
                "--config",
                "other/pyproject.toml",
            ],
            "only one",
        ),
        (vec!["--config", "selcet = []"], "selcet"),
        (vec!["--config", "nope.toml"], "neither an existing file"),
        (vec!["--config", "select = [\"PF999\"]"], "PF999"),
    ] {
        let mut full = args.clone();
        full.push("repo");
        let o = pf(d.path(), &full);
        assert_eq!(o.code, 2, "{args:?}: {o:#?}");
        assert!(o.stderr.contains(says), "{args:?}: {}", o.stderr);
    }
}

// ---------------------------------------------------------------------------------------
// --force-exclude (pre-commit), --show-files, --show-settings
// ---------------------------------------------------------------------------------------

#[test]
fn force_exclude_applies_excludes_to_named_files() {
    let d = tmp();
    write(
        d.path(),
        "pyproject.toml",
        "[tool.picklefix]\nexclude = [\"generated/\", \"*_pb2.py\"]\n",
    );
    for f in [
        "generated/a.py",
        "pkg/m_pb2.py",
        "pkg/m.py",
        "venv/lib/x.py",
    ] {
        write(d.path(), f, LAMBDA);
    }
    let files = [
        "generated/a.py",
        "pkg/m_pb2.py",
        "pkg/m.py",
        "venv/lib/x.py",
    ];
    // As pre-commit calls it: every staged file named.
    let mut args = vec!["--check"];
    args.extend(files);
    let named = pf(d.path(), &args);
    assert_eq!(
        named.stdout.lines().count(),
        4,
        "named files are read: {}",
        named.stdout
    );
    let mut args = vec!["--check", "--force-exclude"];
    args.extend(files);
    let forced = pf(d.path(), &args);
    assert_eq!(forced.code, 1, "{forced:#?}");
    let paths: Vec<&str> = forced
        .stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(paths, ["pkg/m.py"], "{}", forced.stdout);
    // --exclude on the command line counts too; an excluded folder named explicitly as well.
    let o = pf(
        d.path(),
        &[
            "--check",
            "--force-exclude",
            "--exclude",
            "pkg/m.py",
            "pkg/m.py",
            "generated",
        ],
    );
    assert_eq!((o.code, o.stdout.as_str()), (0, ""), "{o:#?}");

    let hooks = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    let entries: Vec<&str> = hooks
        .lines()
        .filter(|l| l.trim_start().starts_with("entry:"))
        .collect();
    assert!(!entries.is_empty());
    for e in entries {
        assert!(e.contains("--force-exclude"), "{e}");
    }
}

#[test]
fn show_files_and_show_settings() {
    let d = tmp();
    write(
        d.path(),
        "repo/pyproject.toml",
        "[tool.picklefix]\nexclude = [\"gen/\"]\nignore = [\"PF004\"]\n",
    );
    for f in [
        "repo/a.py",
        "repo/gen/b.py",
        "repo/pkg/c.py",
        "repo/notes.txt",
    ] {
        write(d.path(), f, "x = 1\n");
    }
    let o = pf(d.path(), &["--show-files", "repo"]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stdout, "repo/a.py\nrepo/pkg/c.py\n");
    let o = pf(
        d.path(),
        &[
            "--show-files",
            "--force-exclude",
            "repo/gen/b.py",
            "repo/a.py",
        ],
    );
    assert_eq!(o.stdout, "repo/a.py\n");

    let o = pf(
        d.path(),
        &["--show-settings", "--config", "unsafe-fixes = true", "repo"],
    );
    assert_eq!(o.code, 0, "{o:#?}");
    assert!(o.stdout.starts_with("root: repo\n"), "{}", o.stdout);
    for line in [
        "  configuration file: repo/pyproject.toml",
        "  configuration overrides: unsafe-fixes = true",
        "  select: PF001, PF002, PF003, PF005, PF006",
        "  unsafe-fixes: true (from the configuration)",
    ] {
        assert!(o.stdout.lines().any(|l| l == line), "{line}:\n{}", o.stdout);
    }
    assert!(
        o.stdout.contains("  exclude: venv, ") && o.stdout.contains(", gen/\n"),
        "{}",
        o.stdout
    );
    let i = pf(d.path(), &["--show-settings", "--isolated", "repo"]);
    assert!(
        i.stdout.contains("  configuration file: none (defaults)\n"),
        "{}",
        i.stdout
    );
}

// ---------------------------------------------------------------------------------------
// --add-noqa, suppression, read-only files
// ---------------------------------------------------------------------------------------

#[test]
fn add_noqa_baselines_every_finding() {
    let d = formats_tree();
    write(
        d.path(),
        "kept.py",
        "from concurrent.futures import ProcessPoolExecutor\n\n\ndef run(xs):\n    with ProcessPoolExecutor() as pool:\n        return list(pool.map(lambda x: x, xs))  # noqa: E501\n",
    );
    let o = pf(d.path(), &["--add-noqa", "."]);
    assert_eq!(o.code, 0, "{o:#?}");
    assert_eq!(o.stderr, "Added 5 noqa directives to 5 files\n");
    assert!(read_str(d.path(), "classic.py")
        .contains("return list(pool.map(self.single_process, pages))  # noqa: PF001\n"));
    assert!(read_str(d.path(), "kept.py").contains("lambda x: x, xs))  # noqa: E501, PF002\n"));
    assert!(read_str(d.path(), "stateful.py").contains("  # noqa: PF001\n"));
    let c = pf(d.path(), &["--check", "."]);
    assert_eq!((c.code, c.stdout.as_str()), (0, ""), "baselined: {c:#?}");
    // Nothing left to add.
    let again = pf(d.path(), &["--add-noqa", "."]);
    assert_eq!(again.stderr, "Added 0 noqa directives to 0 files\n");
    // It writes, so it cannot go with the other modes.
    let both = pf(d.path(), &["--add-noqa", "--write", "."]);
    assert_eq!(both.code, 2, "{both:#?}");
}

#[test]
fn suppression_comments_are_read_like_ruff() {
    let d = tmp();
    let line = |comment: &str| LAMBDA.replace("xs))\n", &format!("xs)){comment}\n"));
    let cases = [
        ("  # NOQA:PF002", true),
        ("  # noqa:PF001,PF002", true),
        ("  # noqa : PF002", true),
        ("  #noqa", true),
        ("  # picklefix:ignore", true),
        ("  # PICKLEFIX: ignore[PF002]", true),
        (
            "  # picklefix: ignore[PF001, PF002] thread pool in tests",
            true,
        ),
        ("  # noqa: PF001", false),
        ("  # noqa:", false),
        ("  # picklefix: ignored", false),
    ];
    for (i, (comment, quiet)) in cases.iter().enumerate() {
        write(d.path(), &format!("m{i}.py"), line(comment));
        let o = pf(d.path(), &["--check", &format!("m{i}.py")]);
        assert_eq!(o.code, if *quiet { 0 } else { 1 }, "{comment}: {o:#?}");
    }
}

#[cfg(unix)]
#[test]
fn read_only_files_are_never_written() {
    use std::os::unix::fs::PermissionsExt;
    let d = tmp();
    write(d.path(), "ro.py", CLASSIC);
    write(d.path(), "rw.py", CLASSIC);
    let ro = d.path().join("ro.py");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    for args in [&["--write", "."][..], &["--add-noqa", "."][..]] {
        let o = pf(d.path(), args);
        assert_eq!(o.code, 2, "{args:?}: {o:#?}");
        assert!(
            o.stderr
                .contains("picklefix: ro.py: is read-only (Permission denied); not rewritten"),
            "{args:?}: {}",
            o.stderr
        );
        assert_eq!(read_str(d.path(), "ro.py"), CLASSIC, "{args:?}");
        let mode = std::fs::metadata(&ro).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o444);
        write(d.path(), "rw.py", CLASSIC);
    }
    let o = pf(d.path(), &["--write", "--per-repository", "."]);
    assert!(o.stdout.contains("1 permission"), "{}", o.stdout);
}

// ---------------------------------------------------------------------------------------
// The README's flag table is --help's
// ---------------------------------------------------------------------------------------

/// Long flags (`--name`) in a text.
fn long_flags(text: &str) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for (i, _) in text.match_indices("--") {
        let name: String = text[i + 2..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let before = text[..i].chars().last();
        if name.len() > 1 && !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-') {
            out.insert(format!("--{name}"));
        }
    }
    out
}

#[test]
fn readme_flag_table_matches_help() {
    let d = tmp();
    let help = pf(d.path(), &["--help"]).stdout;
    let flag_lines: String = help
        .lines()
        .filter(|l| l.trim_start().starts_with('-'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut from_help = long_flags(&flag_lines);
    from_help.remove("--help");
    from_help.remove("--version");
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("\n## Usage\n").expect("a Usage section");
    let block = &readme[start..];
    let table_start = block.find("\n```\n").unwrap() + 5;
    let table_end = table_start + block[table_start..].find("\n```").unwrap();
    let table = &block[table_start..table_end];
    let mut from_readme = std::collections::BTreeSet::new();
    for line in table.lines().filter(|l| l.trim_start().starts_with('-')) {
        // The flag column only: descriptions may mention other flags.
        let column = line.trim_start().split("  ").next().unwrap();
        from_readme.extend(long_flags(column));
    }
    from_readme.remove("--help");
    from_readme.remove("--version");
    assert_eq!(
        from_readme, from_help,
        "README's Usage table vs --help:\n{table}"
    );
    assert!(table.contains("server"), "the server subcommand is listed");
}

#[test]
fn diff_from_a_subfolder_of_a_repository_applies_there() {
    let d = tmp();
    let git = |args: &[&str]| {
        let ok = Process::new("git")
            .args(args)
            .current_dir(d.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    write(d.path(), "sub/pkg/classic.py", CLASSIC);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "init"]);
    let sub = d.path().join("sub");
    let o = pf(&sub, &["--diff", "."]);
    assert!(
        o.stdout.starts_with("--- a/pkg/classic.py\n"),
        "{}",
        o.stdout
    );
    // Inside the repository (no ceiling): git takes the paths as relative to `sub/`.
    let mut child = Process::new("git")
        .args(["apply", "-"])
        .current_dir(&sub)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&o.raw).unwrap();
    assert!(child.wait().unwrap().success());
    let w = tmp();
    write(w.path(), "classic.py", CLASSIC);
    pf(w.path(), &["--write", "classic.py"]);
    assert_eq!(read(&sub, "pkg/classic.py"), read(w.path(), "classic.py"));
}

#[test]
fn a_folder_named_server_is_checked_after_a_flag() {
    let d = tmp();
    write(d.path(), "server/classic.py", CLASSIC);
    for args in [&["--check", "server"][..], &["--check", "./server"][..]] {
        let o = pf_with(d.path(), args, Some(b""), &[]);
        assert_eq!(o.code, 1, "{args:?}: {o:#?}");
        assert!(
            o.stdout.starts_with("server/classic.py:14:34: PF001"),
            "{}",
            o.stdout
        );
    }
}
