//! Which files have uncommitted changes, so `--write` can leave them alone (like
//! `cargo fix`). Uses the `git` command line: it knows every config, worktree and index
//! format there is. Files outside a repository (or without git installed) are not dirty.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

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

fn toplevel(dir: &Path) -> Option<PathBuf> {
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
