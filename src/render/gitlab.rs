//! `--output-format gitlab`: a GitLab Code Quality report (the subset of the Code Climate
//! issue format GitLab reads): `description`, `check_name`, `fingerprint`, `severity`,
//! `location.path` and `location.positions.begin/end`.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};

use super::{display_path, full_message, located};
use crate::rules::Rule;
use crate::Run;

/// The report. Paths are relative to `CI_PROJECT_DIR` when GitLab sets it (the repository
/// root), else to the current folder.
pub fn gitlab(run: &Run) -> Value {
    let project_dir = std::env::var_os("CI_PROJECT_DIR");
    let mut used = HashSet::new();
    let mut issues = Vec::new();
    for l in located(run) {
        let rule = l.finding.rule;
        let path = match &project_dir {
            Some(dir) => relative_to(&l.file.path, Path::new(dir)),
            None => display_path(&l.file.path),
        };
        let description = full_message(l.finding);
        // Stable across runs and line moves: the rule, the file and the message; a counter
        // keeps identical findings in one file apart.
        let mut n = 0u64;
        let fingerprint = loop {
            let f = fingerprint(&[rule.code(), &path, &description, &n.to_string()]);
            if used.insert(f.clone()) {
                break f;
            }
            n += 1;
        };
        let (begin_line, begin_column) = l.start;
        let (end_line, end_column) = l.end;
        issues.push(json!({
            "check_name": rule.code(),
            // GitLab shows only the description, so it carries the code too.
            "description": format!("{}: {description}", rule.code()),
            "severity": if rule == Rule::UnknownPool { "info" } else { "major" },
            "fingerprint": fingerprint,
            "location": {
                "path": path,
                "positions": {
                    "begin": { "line": begin_line, "column": begin_column },
                    "end": { "line": end_line, "column": end_column },
                },
            },
        }));
    }
    Value::Array(issues)
}

pub fn write_gitlab(out: &mut impl Write, run: &Run) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &gitlab(run))?;
    writeln!(out)
}

fn relative_to(path: &Path, dir: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let real_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let real = std::fs::canonicalize(&abs).unwrap_or(abs.clone());
    match abs
        .strip_prefix(dir)
        .ok()
        .or_else(|| real.strip_prefix(&real_dir).ok())
    {
        Some(rel) => display_path(rel),
        None => display_path(path),
    }
}

/// 128-bit FNV-1a, as 32 hex digits: stable across platforms and releases (unlike std's
/// hasher), which GitLab needs to match findings between pipelines.
fn fingerprint(parts: &[&str]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u128::from(b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint(&["PF001", "a.py", "m", "0"]);
        assert_eq!(a, fingerprint(&["PF001", "a.py", "m", "0"]));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint(&["PF001", "a.py", "m", "1"]));
        assert_ne!(
            fingerprint(&["ab", "c"]),
            fingerprint(&["a", "bc"]),
            "parts are separated"
        );
    }
}
