//! `--output-format json`: one object per finding, in ruff's JSON shape.

use std::io::Write;

use serde_json::{json, Value};

use crate::check::Finding;
use crate::edit::Edit;
use crate::{FileResult, Run};

fn location(file: &FileResult, offset: usize) -> Value {
    let (row, column) = file.row_col(offset);
    json!({ "row": row, "column": column })
}

fn edit_json(file: &FileResult, e: &Edit) -> Value {
    json!({
        "content": e.content,
        "location": location(file, e.range.start),
        "end_location": location(file, e.range.end),
    })
}

/// One object per finding, in ruff's JSON shape plus `verdict` and `reason`.
pub fn json_findings(run: &Run) -> Value {
    let out = run
        .files
        .iter()
        .flat_map(|file| file.findings.iter().map(move |f| finding_json(file, f)))
        .collect();
    Value::Array(out)
}

/// The object of one finding of `file` (also the `findings` of `--report`).
pub fn finding_json(file: &FileResult, f: &Finding) -> Value {
    let fix = f.fix.as_ref().map(|fix| {
        json!({
            "applicability": fix.applicability.as_str(),
            "message": fix.message,
            "edits": fix.edits.iter().map(|e| edit_json(file, e)).collect::<Vec<_>>(),
        })
    });
    json!({
        "code": f.rule.code(),
        "name": f.rule.name(),
        "message": f.message,
        "filename": file.path.display().to_string(),
        "location": location(file, f.range.start),
        "end_location": location(file, f.range.end),
        "noqa_row": file.row_col(f.range.start).0,
        "fix": fix,
        "verdict": f.verdict.as_str(),
        "reason": f.reason,
    })
}

pub fn write_json(out: &mut impl Write, run: &Run) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json_findings(run))?;
    writeln!(out)
}
