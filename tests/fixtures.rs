//! Fixture tests: every `tests/fixtures/<case>/input.py` is annotated with
//! `# expect: PF001` on each line where a finding must start; lines without one must
//! produce none. Each case also has an insta snapshot (in the top-level `snapshots/`) of
//! the findings and the diff picklefix would apply. Folders named `pf100_*` run with the
//! info rule selected too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use picklefix::render::{diff, finding_line, Style};
use picklefix::rules::{Rule, ALL};
use picklefix::settings::Settings;

fn fixture_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("input.py").is_file())
        .collect();
    dirs.sort();
    dirs
}

fn expected(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("# expect:") {
            for (n, code) in line[pos + "# expect:".len()..]
                .split_whitespace()
                .enumerate()
            {
                // `PF001 PF001` means two findings on one line.
                out.insert((i + 1, format!("{code}#{n}")));
            }
        }
    }
    out
}

fn settings_for(dir: &Path) -> Settings {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let mut settings = Settings {
        // Relative to the crate root, so snapshots do not depend on the checkout path.
        paths: vec![PathBuf::from(format!("tests/fixtures/{name}/input.py"))],
        ..Settings::default()
    };
    if name.starts_with("pf100_") {
        settings.rules = ALL.iter().copied().collect::<BTreeSet<Rule>>();
    }
    settings
}

#[test]
fn fixtures_report_exactly_the_annotated_lines() {
    let mut failures = Vec::new();
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 20, "fixtures missing: {}", dirs.len());
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(dir.join("input.py")).unwrap();
        // Each fixture is a project of its own: inside this repository every other fixture
        // would be part of its project (and their methods' names would be occurrences).
        // The same relative path keeps the snapshots independent of the temp folder.
        let alone = tempfile::tempdir().unwrap();
        let copy = alone.path().join(format!("tests/fixtures/{name}"));
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::write(copy.join("input.py"), &text).unwrap();
        std::env::set_current_dir(alone.path()).unwrap();
        let settings = settings_for(dir);
        let run = picklefix::run(&settings);
        assert!(run.errors.is_empty(), "{name}: {:?}", run.errors);
        assert_eq!(run.scanned, 1, "{name}: file not read");
        let Some(file) = run.files.first() else {
            // The prefilter skipped it: no pool word, so no finding may be expected.
            if !expected(&text).is_empty() {
                failures.push(format!(
                    "{name}: skipped by the prefilter but expects findings"
                ));
            }
            continue;
        };
        assert!(file.error.is_none(), "{name}: {:?}", file.error);
        let mut got = BTreeSet::new();
        let mut per_line: std::collections::HashMap<(usize, &str), usize> = Default::default();
        for f in &file.findings {
            let row = text[..f.range.start].matches('\n').count() + 1;
            let n = per_line.entry((row, f.rule.code())).or_default();
            got.insert((row, format!("{}#{n}", f.rule.code())));
            *n += 1;
        }
        let want = expected(&text);
        if got != want {
            let missing: Vec<_> = want.difference(&got).collect();
            let extra: Vec<_> = got.difference(&want).collect();
            failures.push(format!("{name}: missing {missing:?}, unexpected {extra:?}"));
        }

        // Whatever picklefix would write must still be Python.
        if let Some(fixed) = &file.fixed {
            let out = std::process::Command::new("python3")
                .args(["-c", "import ast,sys; ast.parse(sys.stdin.read())"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut child| {
                    use std::io::Write;
                    child.stdin.take().unwrap().write_all(fixed.as_bytes())?;
                    child.wait_with_output()
                })
                .expect("python3 runs");
            if !out.status.success() {
                failures.push(format!(
                    "{name}: fixed text does not parse: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }

        let style = Style { color: false };
        let mut snapshot = String::new();
        for f in &file.findings {
            snapshot.push_str(&finding_line(file, f, &style));
            snapshot.push('\n');
        }
        if let Some(d) = diff(file, &style) {
            snapshot.push('\n');
            snapshot.push_str(&d);
        }
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.clone(), snapshot);
        });
    }
    assert!(
        failures.is_empty(),
        "{} fixtures disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
