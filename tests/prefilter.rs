//! The byte prefilter may only skip files that cannot produce a finding: running with and
//! without it must give the same findings. Runs over every fixture and behaviour case, and
//! over the shared corpus when `PICKLEFIX_CORPUS` points at it (see BENCHMARKS.md).

use std::collections::BTreeSet;
use std::path::PathBuf;

use picklefix::rules::ALL;
use picklefix::settings::Settings;

fn findings(
    paths: Vec<PathBuf>,
    prefilter: bool,
    all_rules: bool,
) -> BTreeSet<(PathBuf, usize, &'static str)> {
    let mut settings = Settings {
        paths,
        prefilter,
        ..Settings::default()
    };
    if all_rules {
        settings.rules = ALL.iter().copied().collect();
    }
    let run = picklefix::run(&settings);
    let mut out = BTreeSet::new();
    for file in &run.files {
        for f in &file.findings {
            out.insert((file.path.clone(), f.range.start, f.rule.code()));
        }
    }
    out
}

fn roots() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![
        root.join("tests/fixtures"),
        root.join("tests/behaviour/cases"),
        root.join("examples"),
    ];
    if let Some(corpus) = std::env::var_os("PICKLEFIX_CORPUS") {
        roots.push(PathBuf::from(corpus));
    }
    roots
}

#[test]
fn prefilter_never_hides_a_finding() {
    for all_rules in [false, true] {
        let with = findings(roots(), true, all_rules);
        let without = findings(roots(), false, all_rules);
        assert!(!with.is_empty(), "the fixtures must produce findings");
        assert_eq!(with, without, "all rules: {all_rules}");
    }
}
