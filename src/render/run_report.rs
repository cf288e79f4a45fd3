//! `--report FILE`: the whole run as one versioned JSON document — per root its project and
//! configuration, every file with its status and findings, the per-root counts, and what
//! `--patch-dir` and `--commit` left in each repository. The shape is documented in the
//! README; bump `REPORT_VERSION` when a key changes meaning or goes away.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::finding_json;
use crate::deliver::Repository;
use crate::outcome::{SkipReason, Status};
use crate::report::per_root;
use crate::settings::{Mode, Settings};
use crate::{FileResult, Run};

pub const REPORT_VERSION: u32 = 1;

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::DryRun => "dry-run",
        Mode::Write => "write",
        Mode::Check => "check",
        Mode::AddNoqa => "add-noqa",
    }
}

fn path_text(path: &std::path::Path) -> String {
    path.display().to_string()
}

/// One file's entry.
fn file_entry(
    path: &std::path::Path,
    status: Status,
    message: Option<&str>,
    file: Option<&FileResult>,
    settings: &Settings,
) -> Value {
    // Under --write only what reached the disk counts as applied.
    let applied = file.map_or(0, |f| {
        if !settings.mode.writes() || f.written {
            f.fixes_applied
        } else {
            0
        }
    });
    let reason = match status {
        Status::Skipped(r) => Some(r.as_str()),
        _ => None,
    };
    let findings: Vec<Value> = file
        .map(|f| f.findings.iter().map(|x| finding_json(f, x)).collect())
        .unwrap_or_default();
    json!({
        "path": path_text(path),
        "status": status.as_str(),
        "reason": reason,
        "message": message,
        "written": file.is_some_and(|f| f.written),
        "fixes_applied": applied,
        "findings": findings,
    })
}

/// The `--report` document. `repos`: what `--patch-dir` and `--commit` did (empty when
/// neither was asked for); `exit_code`: the status the run ends with.
pub fn run_report(run: &Run, settings: &Settings, repos: &[Repository], exit_code: i32) -> Value {
    let summaries = per_root(run, settings);
    let mut roots = Vec::new();
    for (i, root) in run.roots.iter().enumerate() {
        let root_settings = settings.for_root(root);
        // (path, entry, status) of every file of the root, sorted by path.
        let mut files: Vec<(std::path::PathBuf, Value, Status)> = Vec::new();
        for f in run.files.iter().filter(|f| f.root == i) {
            let status = f.status(&root_settings);
            let message = f.error.as_ref().map(|e| e.message.as_str());
            files.push((
                f.path.clone(),
                file_entry(&f.path, status, message, Some(f), settings),
                status,
            ));
        }
        for f in run.unmatched.iter().filter(|f| f.root == i) {
            let status = Status::Unchanged;
            files.push((
                f.path.clone(),
                file_entry(&f.path, status, None, None, settings),
                status,
            ));
        }
        for f in run.excluded.iter().filter(|f| f.root == i) {
            let status = Status::Skipped(SkipReason::Excluded);
            files.push((
                f.path.clone(),
                file_entry(&f.path, status, None, None, settings),
                status,
            ));
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));

        let mut by_status: BTreeMap<&str, usize> =
            ["unchanged", "fixed", "would-fix", "skipped", "error"]
                .into_iter()
                .map(|s| (s, 0))
                .collect();
        let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, _, status) in &files {
            *by_status.entry(status.as_str()).or_default() += 1;
            if let Status::Skipped(r) = status {
                *by_reason.entry(r.as_str()).or_default() += 1;
            }
        }
        let errors: Vec<Value> = run
            .errors
            .iter()
            .filter(|e| e.root == i)
            .map(|e| {
                json!({
                    "path": path_text(&e.path),
                    "reason": e.failure.reason.map(|r| r.as_str()),
                    "message": e.failure.message,
                })
            })
            .collect();
        let mut counts = Map::new();
        counts.insert("files".into(), json!(files.len()));
        for (status, n) in &by_status {
            counts.insert((*status).into(), json!(n));
        }
        counts.insert("skipped_by_reason".into(), json!(by_reason));
        if let Some(s) = summaries.get(i) {
            counts.insert("files_scanned".into(), json!(s.files_scanned));
            counts.insert("findings".into(), json!(s.findings));
            counts.insert("fixes".into(), json!(s.fixed));
            counts.insert(
                "unsafe_fixes_available".into(),
                json!(s.unsafe_fixes_available),
            );
        }
        counts.insert("root_errors".into(), json!(errors.len()));
        let project = run
            .root_projects
            .get(i)
            .map(|p| json!({ "path": path_text(&p.path), "kind": p.kind.as_str() }));
        let repository = repos.iter().find(|r| r.roots.contains(&i)).map(|r| {
            json!({
                "path": path_text(&r.path),
                "patch": r.patch.as_deref().map(path_text),
                "commit": r.commit.as_ref().map(|c| json!({
                    "sha": c.sha,
                    "branch": c.branch,
                    "files": r.committed.iter().map(|p| p.to_string_lossy().replace('\\', "/")).collect::<Vec<_>>(),
                })),
                "error": r.error,
            })
        });
        roots.push(json!({
            "path": path_text(&root.path),
            "project": project,
            "config": root.config.as_deref().map(path_text),
            "unsafe_fixes": root.unsafe_fixes,
            "counts": Value::Object(counts),
            "files": files.into_iter().map(|(_, v, _)| v).collect::<Vec<_>>(),
            "errors": errors,
            "repository": repository,
        }));
    }
    json!({
        "version": REPORT_VERSION,
        "tool": { "name": "picklefix", "version": env!("CARGO_PKG_VERSION") },
        "mode": mode_name(settings.mode),
        "exit_code": exit_code,
        "roots": roots,
    })
}
