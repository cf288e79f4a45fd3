//! Which files have uncommitted changes, so `--write` can leave them alone (like
//! `cargo fix`), and the commits of `--commit`. Uses the `git` command line: it knows every
//! config, worktree, index format and hook there is; picklefix never writes git objects
//! itself. Files outside a repository (or without git installed) are not dirty.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::outcome::{Failure, SkipReason};
use crate::settings::{CommitPlan, Settings};

pub struct DirtyFiles {
    /// Canonical paths of modified, staged or untracked files.
    dirty: HashSet<PathBuf>,
}

impl DirtyFiles {
    pub fn none() -> DirtyFiles {
        DirtyFiles {
            dirty: HashSet::new(),
        }
    }

    /// Ask git about the repositories that hold `paths` (one `git status` per repository).
    pub fn for_paths<'p>(paths: impl Iterator<Item = &'p Path>) -> DirtyFiles {
        let mut toplevels: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
        let mut repos: HashSet<PathBuf> = HashSet::new();
        for path in paths {
            let Some(dir) = canonical(path).and_then(|p| p.parent().map(Path::to_path_buf)) else {
                continue;
            };
            let top = toplevels
                .entry(dir.clone())
                .or_insert_with(|| toplevel(&dir))
                .clone();
            repos.extend(top);
        }
        let mut dirty = HashSet::new();
        for repo in repos {
            dirty.extend(status(&repo));
        }
        DirtyFiles { dirty }
    }

    pub fn contains(&self, path: &Path) -> bool {
        !self.dirty.is_empty() && canonical(path).is_some_and(|p| self.dirty.contains(&p))
    }
}

fn canonical(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// The work tree holding `dir`, canonical; `None` outside a repository.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let top = String::from_utf8(out.stdout).ok()?;
    canonical(Path::new(top.trim_end_matches(['\n', '\r'])))
}

/// Paths `git status` lists as modified, staged, or untracked.
fn status(repo: &Path) -> Vec<PathBuf> {
    let Ok(out) = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["status", "--porcelain=v1", "-z", "--untracked-files=all"])
        .output()
    else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    let mut entries = out.stdout.split(|&b| b == 0);
    while let Some(entry) = entries.next() {
        if entry.len() < 4 {
            continue;
        }
        let (code, path) = (&entry[..2], &entry[3..]);
        let path = repo.join(String::from_utf8_lossy(path).as_ref());
        paths.push(canonical(&path).unwrap_or(path));
        // A rename or copy is followed by its source path.
        if code.contains(&b'R') || code.contains(&b'C') {
            entries.next();
        }
    }
    paths
}

/// What `--write` may not touch: files with uncommitted changes (unless `--allow-dirty`),
/// and under `--commit` every file of a repository that cannot take the commit (in the
/// middle of a merge or rebase, or whose `--branch` already exists). Asked once, before
/// anything is written.
pub struct WriteGuard {
    dirty: DirtyFiles,
    /// Canonical work trees that refuse the commit, with why.
    refused: Vec<(PathBuf, String)>,
}

impl WriteGuard {
    pub fn new<'p>(settings: &Settings, paths: impl Iterator<Item = &'p Path>) -> WriteGuard {
        let paths: Vec<&Path> = paths.collect();
        let dirty = if settings.allow_dirty {
            DirtyFiles::none()
        } else {
            DirtyFiles::for_paths(paths.iter().copied())
        };
        let mut refused = Vec::new();
        if let Some(plan) = &settings.commit {
            let mut seen = HashSet::new();
            for top in paths.iter().filter_map(|p| repository_of(p)) {
                if seen.insert(top.clone()) {
                    if let Some(why) = cannot_commit(&top, plan) {
                        refused.push((top, why));
                    }
                }
            }
        }
        WriteGuard { dirty, refused }
    }

    /// Why `path` may not be written, if it may not.
    pub fn refuses(&self, path: &Path) -> Option<Failure> {
        if self.dirty.contains(path) {
            return Some(Failure::skipped(
                SkipReason::Dirty,
                "has uncommitted changes; not rewritten (commit or stash them, or pass --allow-dirty)",
            ));
        }
        let file = canonical(path)?;
        self.refused
            .iter()
            .find(|(top, _)| file.starts_with(top))
            .map(|(_, why)| Failure::error(format!("not rewritten: {why}")))
    }
}

/// The work tree holding the file at `path`, canonical.
pub fn repository_of(path: &Path) -> Option<PathBuf> {
    let file = canonical(path)?;
    toplevel(file.parent()?)
}

/// Run git in `repo`; its stdout when it succeeds, else its stderr's first line.
fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(first_line(&out.stderr, args))
    }
}

fn first_line(stderr: &[u8], args: &[&str]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("failed");
    format!(
        "git {}: {}",
        args.first().copied().unwrap_or(""),
        line.trim()
    )
}

/// Why `repo` cannot take a `--commit` now: an operation in progress (git refuses to commit
/// only some paths mid-merge, and a commit mid-rebase would land in the rebase), or a
/// `--branch` that exists already or is not a valid name.
pub fn cannot_commit(repo: &Path, plan: &CommitPlan) -> Option<String> {
    const IN_PROGRESS: &[(&str, &str)] = &[
        ("MERGE_HEAD", "a merge"),
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("REVERT_HEAD", "a revert"),
    ];
    for (marker, what) in IN_PROGRESS {
        let Ok(path) = git(repo, &["rev-parse", "--git-path", marker]) else {
            continue;
        };
        if repo.join(path).exists() {
            return Some(format!(
                "the repository is in the middle of {what}; --commit refuses it (finish or abort it first)"
            ));
        }
    }
    if git(repo, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_err() {
        return Some("the repository has no commit yet; --commit needs one".to_string());
    }
    if let Some(branch) = &plan.branch {
        if git(repo, &["check-ref-format", "--branch", branch]).is_err() {
            return Some(format!("`{branch}` is not a valid branch name"));
        }
        let exists = git(
            repo,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("refs/heads/{branch}"),
            ],
        );
        if exists.is_ok() {
            return Some(format!("branch `{branch}` exists already"));
        }
    }
    None
}

/// A commit `--commit` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub sha: String,
    /// The branch it is on (`None` on a detached HEAD).
    pub branch: Option<String>,
}

/// Commit exactly `files` (paths relative to `repo`) with `message`, on `branch` created from
/// the current HEAD when given. `git commit --only` builds the commit from HEAD plus these
/// paths alone, so whatever else is staged or modified stays as it was, and the index entries
/// of these paths are updated (the files are clean afterwards). Hooks run as for any commit.
pub fn commit_only(
    repo: &Path,
    files: &[PathBuf],
    message: &str,
    branch: Option<&str>,
) -> Result<Commit, String> {
    let previous = git(repo, &["symbolic-ref", "-q", "--short", "HEAD"]).ok();
    if let Some(name) = branch {
        // Created from HEAD, so the work tree and the index stay as they are.
        git(repo, &["checkout", "-q", "-b", name])?;
    }
    let result = commit_paths(repo, files, message);
    if result.is_err() {
        if let (Some(name), Some(previous)) = (branch, &previous) {
            // Leave the repository as it was found: back on its branch, no new branch.
            let _ = git(repo, &["checkout", "-q", previous]);
            let _ = git(repo, &["branch", "-q", "-D", name]);
        }
    }
    result?;
    Ok(Commit {
        sha: git(repo, &["rev-parse", "HEAD"])?,
        branch: git(repo, &["symbolic-ref", "-q", "--short", "HEAD"]).ok(),
    })
}

fn commit_paths(repo: &Path, files: &[PathBuf], message: &str) -> Result<(), String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(repo)
        // File names are names, not globs (`[x].py`).
        .arg("--literal-pathspecs")
        .args([
            "commit",
            "-q",
            "--only",
            "--cleanup=whitespace",
            "-F",
            "-",
            "--",
        ])
        .args(files)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(message.as_bytes())
            .map_err(|e| format!("cannot pass the message to git: {e}"))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("git commit: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let mut why = first_line(&out.stderr, &["commit"]);
        if why.ends_with(": failed") {
            why = first_line(&out.stdout, &["commit"]);
        }
        Err(why)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> bool {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .is_ok_and(|o| o.status.success())
    }

    #[test]
    fn finds_modified_and_untracked_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path();
        if !git(repo, &["init", "-q"]) {
            return; // no git on this machine: nothing to test
        }
        for (name, text) in [("clean.py", "a = 1\n"), ("edited.py", "b = 1\n")] {
            std::fs::write(repo.join(name), text).unwrap();
        }
        assert!(git(repo, &["add", "."]));
        assert!(git(
            repo,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "init"
            ]
        ));
        std::fs::write(repo.join("edited.py"), "b = 2\n").unwrap();
        std::fs::write(repo.join("new.py"), "c = 1\n").unwrap();
        let paths = [
            repo.join("clean.py"),
            repo.join("edited.py"),
            repo.join("new.py"),
        ];
        let dirty = DirtyFiles::for_paths(paths.iter().map(|p| p.as_path()));
        assert!(!dirty.contains(&paths[0]));
        assert!(dirty.contains(&paths[1]));
        assert!(dirty.contains(&paths[2]));

        let outside = tempfile::tempdir().unwrap();
        let loose = outside.path().join("x.py");
        std::fs::write(&loose, "x = 1\n").unwrap();
        assert!(!DirtyFiles::for_paths(std::iter::once(loose.as_path())).contains(&loose));
    }
}
