//! `--output-format sarif`: SARIF 2.1.0 for code-scanning UIs.

use std::io::Write;

use serde_json::{json, Value};

use crate::source::row_col;
use crate::Run;

fn region(text: &str, range: &std::ops::Range<usize>) -> Value {
    let (start_line, start_column) = row_col(text, range.start);
    let (end_line, end_column) = row_col(text, range.end);
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
        let text = file.source.as_ref().map_or("", |s| s.text.as_str());
        let location = json!({ "uri": uri(&file.path) });
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
                                "deletedRegion": region(text, &e.range),
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
                        "region": region(text, &f.range),
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
                    "rules": rules,
                }
            },
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
