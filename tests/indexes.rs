//! The per-module indexes that keep the fix loop linear (`module_index`, `receivers`,
//! `Scope::bindings_named`) must answer exactly what the scans they replaced answered. Checked
//! here on every Python file of the fixtures, behaviour cases, trees and examples, for every
//! name each file spells, against the scans written out the naive way.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use picklefix::facts::{contains_word, literal_text};
use picklefix::parse::{named_children, parse, string_value};
use picklefix::resolve::Module;

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            python_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "py") {
            out.push(p);
        }
    }
}

fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "tests/fixtures",
        "tests/behaviour",
        "tests/trees",
        "examples",
    ] {
        python_files(&root.join(dir), &mut files);
    }
    files.sort();
    let mut out: Vec<(PathBuf, String)> = files
        .into_iter()
        .filter_map(|p| {
            let text = String::from_utf8(std::fs::read(&p).ok()?).ok()?;
            Some((p, text))
        })
        .collect();
    // Scopes past the scan limit: a module, a class and a function with many bindings.
    let mut big = String::from("import os\n");
    for i in 0..60 {
        big.push_str(&format!("v{i} = {i}\nv{} = 'v{i} and f{i}'\n", i % 7));
    }
    big.push_str("class K:\n");
    for i in 0..40 {
        big.push_str(&format!("    a{i} = a{} = {i}\n    def f{i}(self, a{i}=a{i}):\n        return self.f{i}(k=a{i})\n", i % 5));
    }
    big.push_str("def g():\n");
    for i in 0..40 {
        big.push_str(&format!("    w{i} = lambda x: x + w{}\n", i % 9));
    }
    // Functions with 30 to 36 bindings: either side of the point where indexing starts.
    for n in 30..=36 {
        big.push_str(&format!("def h{n}():\n"));
        for i in 0..n {
            big.push_str(&format!("    b{} = {i}\n", i % 4));
        }
    }
    out.push((PathBuf::from("<generated>"), big));
    out
}

#[test]
fn indexes_answer_what_the_scans_answered() {
    let files = corpus();
    assert!(files.len() > 200, "only {} files found", files.len());
    let mut names_checked = 0;
    let mut big_scopes = 0;
    for (path, text) in &files {
        let Some(tree) = parse(text) else { continue };
        let m = Module::build(tree.root_node(), text);
        let where_ = path.display();
        let mut names: BTreeSet<&str> = m.identifiers.iter().map(|(n, _)| m.text(*n)).collect();
        names.extend(
            m.attributes
                .iter()
                .filter_map(|(a, _)| a.child_by_field_name("attribute"))
                .map(|n| m.text(n)),
        );
        names.insert("zz_not_there");
        for name in names {
            names_checked += 1;
            // Identifiers by name.
            let scan: Vec<usize> = m
                .identifiers
                .iter()
                .filter(|(n, _)| m.text(*n) == name)
                .map(|(n, _)| n.id())
                .collect();
            let indexed: Vec<usize> = m.identifiers_named(name).map(|(n, _)| n.id()).collect();
            assert_eq!(scan, indexed, "{where_}: identifiers `{name}`");
            // Bindings by name, in every scope, and the scopes that bind it.
            let mut scopes = Vec::new();
            for (id, sc) in m.scopes.iter().enumerate() {
                let scan: Vec<usize> = sc
                    .bindings
                    .iter()
                    .filter(|b| b.name == name)
                    .map(|b| b.at)
                    .collect();
                let indexed: Vec<usize> = sc.bindings_named(name).map(|b| b.at).collect();
                assert_eq!(scan, indexed, "{where_}: bindings `{name}` in scope {id}");
                if !scan.is_empty() {
                    scopes.push(id);
                }
            }
            assert_eq!(
                scopes,
                m.index().scopes_binding(name),
                "{where_}: scopes binding `{name}`"
            );
            // String literals holding the name as a word (or as their whole value).
            let scan: Vec<usize> = m
                .strings
                .iter()
                .filter(|s| {
                    string_value(**s, text) == Some(name)
                        || contains_word(&literal_text(&m, **s), name)
                })
                .map(|s| s.id())
                .collect();
            let indexed: Vec<usize> = m.strings_with_word(name).iter().map(|s| s.id()).collect();
            assert_eq!(scan, indexed, "{where_}: strings with `{name}`");
            // `name=` keyword arguments.
            let mut scan = Vec::new();
            for (call, _) in &m.calls {
                let Some(args) = call.child_by_field_name("arguments") else {
                    continue;
                };
                for arg in named_children(args) {
                    if arg.kind() == "keyword_argument"
                        && arg
                            .child_by_field_name("name")
                            .is_some_and(|n| m.text(n) == name)
                    {
                        scan.push(arg.start_position().row + 1);
                    }
                }
            }
            assert_eq!(
                scan,
                m.index().keyword_lines(name),
                "{where_}: keywords `{name}`"
            );
        }
        big_scopes += m.scopes.iter().filter(|s| s.bindings.len() > 32).count();
        // Identifiers inside the byte range of every function, lambda and class.
        for sc in &m.scopes {
            let range = sc.node.byte_range();
            let scan: Vec<usize> = m
                .identifiers
                .iter()
                .filter(|(n, _)| range.contains(&n.start_byte()))
                .map(|(n, _)| n.id())
                .collect();
            let indexed: Vec<usize> = m
                .identifiers_in(range)
                .iter()
                .map(|(n, _)| n.id())
                .collect();
            assert_eq!(scan, indexed, "{where_}: identifiers in a scope");
        }
    }
    // The test must reach the indexed paths, not only the small-scope scans.
    assert!(
        big_scopes > 0,
        "no scope with more than 32 bindings was checked"
    );
    assert!(names_checked > 5_000, "only {names_checked} names checked");
}
