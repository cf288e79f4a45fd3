//! `--output-format sarif`: SARIF 2.1.0 for code-scanning UIs.

use std::io::Write;

use serde_json::{json, Value};

use std::path::Path;

use crate::outcome::{Failure, SkipReason};
use crate::{FileResult, Run};

fn region(file: &FileResult, range: &std::ops::Range<usize>) -> Value {
    let (start_line, start_column) = file.row_col(range.start);
    let (end_line, end_column) = file.row_col(range.end);
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

fn uri(path: &std::path::Path) -> String {
    let s = path.display().to_string().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// `path` as a URI path: unreserved characters and `/` as they are, every other byte
/// percent-encoded (a space, `#`, non-ASCII letters).
fn percent_encoded(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `file:` URI of a folder, ending in `/` so relative references resolve inside it.
fn folder_uri(dir: &Path) -> String {
    let mut p = dir.to_string_lossy().replace('\\', "/");
    if !p.starts_with('/') {
        p.insert(0, '/'); // `C:/x` on Windows
    }
    if !p.ends_with('/') {
        p.push('/');
    }
    format!("file://{}", percent_encoded(&p))
}

fn base_id(root: usize) -> String {
    format!("ROOT{root}")
}

/// Where a file is: relative to its root's repository, under that root's base id (the
/// repository-relative path is what code-scanning services match); a file outside it
/// (or read from stdin) keeps the name it was given.
fn artifact_location(run: &Run, root: usize, path: &Path) -> Value {
    if let Some(project) = run.root_projects.get(root) {
        let c = crate::index::canonical(path);
        if let Ok(rel) = c.strip_prefix(&project.path) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            return json!({ "uri": percent_encoded(&rel), "uriBaseId": base_id(root) });
        }
    }
    json!({ "uri": uri(path) })
}

/// One base id per root: its repository's folder.
fn original_uri_base_ids(run: &Run) -> Value {
    let mut bases = serde_json::Map::new();
    for (i, project) in run.root_projects.iter().enumerate() {
        let root = run
            .roots
            .get(i)
            .map_or_else(String::new, |r| r.path.display().to_string());
        bases.insert(
            base_id(i),
            json!({
                "uri": folder_uri(&project.path),
                "description": { "text": format!("the {} project of root `{root}`", project.kind.as_str()) },
            }),
        );
    }
    Value::Object(bases)
}

/// A notification per file (or root) that could not be handled, and whether every file
/// could be.
fn invocation(run: &Run) -> Value {
    let mut notes = Vec::new();
    let mut note = |root: usize, path: &Path, failure: &Failure| {
        let id = failure.reason.map_or("error", |r| r.as_str());
        notes.push(json!({
            "level": if failure.reason.is_some() { "warning" } else { "error" },
            "message": { "text": failure.message },
            "descriptor": { "id": id },
            "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(run, root, path) } }],
            "properties": { "status": failure.status().as_str(), "reason": failure.reason.map(|r| r.as_str()) },
        }));
    };
    for e in &run.errors {
        note(e.root, &e.path, &e.failure);
    }
    for f in &run.files {
        if let Some(failure) = &f.error {
            note(f.root, &f.path, failure);
        }
    }
    json!({
        "executionSuccessful": notes.is_empty(),
        "toolExecutionNotifications": notes,
    })
}

/// The notification kinds `invocation` refers to.
fn notification_descriptors() -> Vec<Value> {
    let mut all: Vec<Value> = SkipReason::ALL
        .iter()
        .filter(|r| **r != SkipReason::Excluded)
        .map(|r| json!({ "id": r.as_str(), "shortDescription": { "text": format!("file skipped: {}", r.label()) } }))
        .collect();
    all.push(
        json!({ "id": "error", "shortDescription": { "text": "file could not be processed" } }),
    );
    all
}

/// SARIF 2.1.0: one run, every rule with its help text, results with fixes.
pub fn sarif(run: &Run) -> Value {
    use crate::rules::ALL;
    let rules: Vec<Value> = ALL
        .iter()
        .map(|r| {
            let text = r.explanation();
            let short = text
                .lines()
                .skip_while(|l| !l.starts_with("## What it does"))
                .nth(1)
                .unwrap_or(r.name())
                .trim();
            json!({
                "id": r.code(),
                "name": r.name(),
                "shortDescription": { "text": short },
                "fullDescription": { "text": text },
                "help": { "text": text, "markdown": text },
                "defaultConfiguration": {
                    "level": if r.default_enabled() { "warning" } else { "note" },
                    "enabled": r.default_enabled(),
                },
            })
        })
        .collect();
    let mut results = Vec::new();
    for file in &run.files {
        let location = artifact_location(run, file.root, &file.path);
        for f in &file.findings {
            let index = ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
            let mut message = f.message.clone();
            if let Some(reason) = &f.reason {
                message.push_str(&format!(" (not fixed: {reason})"));
            }
            let fixes: Vec<Value> = f
                .fix
                .iter()
                .map(|fix| {
                    json!({
                        "description": { "text": format!("{} ({} fix)", fix.message, fix.applicability.as_str()) },
                        "artifactChanges": [{
                            "artifactLocation": location,
                            "replacements": fix.edits.iter().map(|e| json!({
                                "deletedRegion": region(file, &e.range),
                                "insertedContent": { "text": e.content },
                            })).collect::<Vec<_>>(),
                        }],
                    })
                })
                .collect();
            results.push(json!({
                "ruleId": f.rule.code(),
                "ruleIndex": index,
                "level": if f.rule.default_enabled() { "warning" } else { "note" },
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": region(file, &f.range),
                    }
                }],
                "fixes": fixes,
                "properties": { "verdict": f.verdict.as_str() },
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "picklefix",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_HOMEPAGE"),
                    "rules": rules,
                    "notifications": notification_descriptors(),
                }
            },
            "invocations": [invocation(run)],
            "originalUriBaseIds": original_uri_base_ids(run),
            // Our columns count characters (Unicode code points), as ruff's do.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

pub fn write_sarif(out: &mut impl Write, run: &Run) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &sarif(run))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            percent_encoded("src/with space#1.py"),
            "src/with%20space%231.py"
        );
        assert_eq!(percent_encoded("pkg/é.py"), "pkg/%C3%A9.py");
        assert_eq!(folder_uri(Path::new("/tmp/a b")), "file:///tmp/a%20b/");
    }
}
