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
