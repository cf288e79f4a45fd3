//! Turning a finished run into text for people (findings, diffs) or JSON for tools.
//! Renderers never decide anything; they print what the run holds.

use std::io::Write;

use serde_json::{json, Value};
use similar::TextDiff;

use crate::check::Finding;
use crate::edit::Edit;
use crate::source::row_col;
use crate::{FileResult, Run};

pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// `path:row:col: PF001 [*] message` — `[*]` when a safe fix exists, like ruff.
pub fn finding_line(file: &FileResult, f: &Finding, style: &Style) -> String {
    let text = file.source.as_ref().map_or("", |s| s.text.as_str());
    let (row, col) = row_col(text, f.range.start);
    let marker = match &f.fix {
        Some(fix) if fix.applicability == crate::edit::Applicability::Safe => "[*] ",
        Some(_) => "[unsafe fix] ",
        None => "",
    };
    let mut line = format!(
        "{}:{row}:{col}: {} {marker}{}",
        style.paint("1", &file.path.display().to_string()),
        style.paint("1;31", f.rule.code()),
        f.message
    );
    if let Some(reason) = &f.reason {
        line.push_str(&format!(" (not fixed: {reason})"));
    }
    line
}

pub fn diff(file: &FileResult, style: &Style) -> Option<String> {
    let source = file.source.as_ref()?;
    let fixed = file.fixed.as_ref()?;
    let name = file.path.display().to_string();
    let diff = TextDiff::from_lines(source.text.as_str(), fixed.as_str());
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string();
    if !style.color {
        return Some(text);
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        let code = if line.starts_with("+++") || line.starts_with("---") {
            "1"
        } else if line.starts_with('+') {
            "32"
        } else if line.starts_with('-') {
            "31"
        } else if line.starts_with("@@") {
            "36"
        } else {
            ""
        };
        if code.is_empty() {
            out.push_str(line);
        } else {
            let body = line.trim_end_matches(['\n', '\r']);
            out.push_str(&style.paint(code, body));
            out.push_str(&line[body.len()..]);
        }
    }
    Some(out)
}

fn location(text: &str, offset: usize) -> Value {
    let (row, column) = row_col(text, offset);
    json!({ "row": row, "column": column })
}

fn edit_json(text: &str, e: &Edit) -> Value {
    json!({
        "content": e.content,
        "location": location(text, e.range.start),
        "end_location": location(text, e.range.end),
    })
}

/// One object per finding, in ruff's JSON shape plus `verdict` and `reason`.
pub fn json_findings(run: &Run) -> Value {
    let mut out = Vec::new();
    for file in &run.files {
        let text = file.source.as_ref().map_or("", |s| s.text.as_str());
        for f in &file.findings {
            let fix = f.fix.as_ref().map(|fix| {
                json!({
                    "applicability": fix.applicability.as_str(),
                    "message": fix.message,
                    "edits": fix.edits.iter().map(|e| edit_json(text, e)).collect::<Vec<_>>(),
                })
            });
            out.push(json!({
                "code": f.rule.code(),
                "name": f.rule.name(),
                "message": f.message,
                "filename": file.path.display().to_string(),
                "location": location(text, f.range.start),
                "end_location": location(text, f.range.end),
                "noqa_row": row_col(text, f.range.start).0,
                "fix": fix,
                "verdict": f.verdict.as_str(),
                "reason": f.reason,
            }));
        }
    }
    Value::Array(out)
}

pub fn write_json(out: &mut impl Write, run: &Run) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json_findings(run))?;
    writeln!(out)
}

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
