//! What a finished run leaves behind besides its output: one patch per repository
//! (`--patch-dir`), one commit per git repository (`--commit`), and the run's JSON report
//! (`--report`). Each acts on the run as it is; nothing here decides about a fix.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::git::{commit_only, Commit};
use crate::index::canonical;
use crate::project::ProjectKind;
use crate::render::{diff_named, Style};
use crate::settings::{CommitPlan, Settings};
use crate::{FileResult, Run};

/// One repository of the run (a project holding one or more roots) and what was left in it.
#[derive(Debug, Clone)]
pub struct Repository {
    /// Canonical path of its root (the git work tree, else the project folder).
    pub path: PathBuf,
    pub kind: ProjectKind,
    /// Indexes into `run.roots`, in command-line order.
    pub roots: Vec<usize>,
    /// Its file name: the name of its first root's folder, made unique in the run.
    pub name: String,
    pub patch: Option<PathBuf>,
    pub commit: Option<Commit>,
    /// The files of `commit`, relative to `path`.
    pub committed: Vec<PathBuf>,
    /// Why its patch or commit could not be made.
    pub error: Option<String>,
}

/// The repositories of `run`, in the order their roots were given.
pub fn repositories(run: &Run) -> Vec<Repository> {
    let mut repos: Vec<Repository> = Vec::new();
    for (i, project) in run.root_projects.iter().enumerate() {
        if let Some(r) = repos.iter_mut().find(|r| r.path == project.path) {
            r.roots.push(i);
            continue;
        }
        let root = run.roots.get(i).map(|r| canonical(&r.path));
        let base = root
            .as_deref()
            .and_then(|r| if r.is_dir() { Some(r) } else { r.parent() })
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "root".to_string());
        let mut name = base.clone();
        let mut n = 1;
        while repos.iter().any(|r| r.name == name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        repos.push(Repository {
            path: project.path.clone(),
            kind: project.kind,
            roots: vec![i],
            name,
            patch: None,
            commit: None,
            committed: Vec::new(),
            error: None,
        });
    }
    repos
}

/// The files of `repo` whose change this run made (`--write`) or would make (dry run).
fn changed_files<'r>(run: &'r Run, settings: &Settings, repo: &Repository) -> Vec<&'r FileResult> {
    run.files
        .iter()
        .filter(|f| repo.roots.contains(&f.root))
        .filter(|f| {
            if settings.mode.writes() {
                f.written
            } else {
                f.fixed.is_some()
            }
        })
        .collect()
}

/// `path` relative to the repository, `/`-separated (as patches and git name files).
fn relative(repo: &Repository, path: &Path) -> PathBuf {
    let c = canonical(path);
    c.strip_prefix(&repo.path)
        .map(Path::to_path_buf)
        .unwrap_or(c)
}

fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// `--patch-dir`: `DIR/<name>.patch` per repository with changes, paths relative to the
/// repository's root, so `git apply` accepts it there. A failure is kept in `Repository::error`.
pub fn write_patches(run: &Run, settings: &Settings, dir: &Path, repos: &mut [Repository]) {
    let style = Style { color: false };
    for repo in repos.iter_mut() {
        let mut patch = String::new();
        for f in changed_files(run, settings, repo) {
            let name = slashed(&relative(repo, &f.path));
            if let Some(d) = diff_named(f, &name, &style) {
                patch.push_str(&d);
            }
        }
        if patch.is_empty() {
            continue;
        }
        let target = dir.join(format!("{}.patch", repo.name));
        match std::fs::create_dir_all(dir)
            .map_err(|e| e.to_string())
            .and_then(|()| write_file_atomic(&target, patch.as_bytes()))
        {
            Ok(()) => repo.patch = Some(target),
            Err(e) => {
                repo.error = Some(format!("cannot write {}: {e}", target.display()));
            }
        }
    }
}

/// `--commit`: in every git repository where this run wrote files, commit exactly those.
pub fn commit(run: &Run, settings: &Settings, plan: &CommitPlan, repos: &mut [Repository]) {
    for repo in repos.iter_mut() {
        let files = changed_files(run, settings, repo);
        if files.is_empty() || repo.kind != ProjectKind::Git {
            continue;
        }
        let paths: Vec<PathBuf> = files.iter().map(|f| relative(repo, &f.path)).collect();
        let message = commit_message(run, settings, plan, repo, &files);
        match commit_only(&repo.path, &paths, &message, plan.branch.as_deref()) {
            Ok(c) => {
                repo.commit = Some(c);
                repo.committed = paths;
            }
            Err(e) => repo.error = Some(format!("nothing committed: {e}")),
        }
    }
}

/// The message: the user's, then the fixes that were applied, one line each.
pub fn commit_message(
    run: &Run,
    settings: &Settings,
    plan: &CommitPlan,
    repo: &Repository,
    files: &[&FileResult],
) -> String {
    let mut lines = Vec::new();
    let mut fixes = 0;
    for f in files {
        let root_settings = match run.roots.get(f.root) {
            Some(root) => settings.for_root(root),
            None => settings.clone(),
        };
        let min = root_settings.min_applicability();
        let name = slashed(&relative(repo, &f.path));
        fixes += f.fixes_applied;
        for finding in &f.findings {
            let applies = finding.fix.as_ref().is_some_and(|fix| {
                fix.applicability >= min
                    && fix.applicability != crate::edit::Applicability::DisplayOnly
            });
            if applies {
                let (row, _) = f.row_col(finding.range.start);
                lines.push(format!(
                    "- {name}:{row}: {} {}",
                    finding.rule.code(),
                    finding.message
                ));
            }
        }
    }
    let noun = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {many}")
        }
    };
    format!(
        "{}\n\npicklefix applied {} in {}:\n{}\n",
        plan.message.trim_end(),
        noun(fixes, "fix", "fixes"),
        noun(files.len(), "file", "files"),
        lines.join("\n")
    )
}

/// Write `bytes` to `path` through a temporary file beside it and a rename: readers see the
/// old document or the new one, never half of one.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".picklefix-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| e.to_string())?;
    tmp.write_all(bytes).map_err(|e| e.to_string())?;
    tmp.as_file().sync_all().map_err(|e| e.to_string())?;
    // A temporary file is private (0600); a report or patch is an ordinary file: keep the
    // mode of the one it replaces, else the usual 0644.
    let perms = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => ordinary_permissions(),
    };
    if let Some(perms) = perms {
        std::fs::set_permissions(tmp.path(), perms).map_err(|e| e.to_string())?;
    }
    tmp.persist(path).map_err(|e| e.error.to_string())?;
    Ok(())
}

#[cfg(unix)]
fn ordinary_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn ordinary_permissions() -> Option<std::fs::Permissions> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("report.json");
        write_file_atomic(&p, b"{}\n").unwrap();
        write_file_atomic(&p, b"[]\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"[]\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "not the temporary file's 0600");
        }
        let missing = dir.path().join("no/such/folder/r.json");
        assert!(write_file_atomic(&missing, b"{}").is_err());
    }
}
