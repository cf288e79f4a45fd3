//! Analysis scope: the project each command-line path belongs to.
//!
//! A verdict about a method depends on code far from the method: a subclass in another file,
//! a test that calls it, a module that star-imports its module. So the scope of analysis is
//! the *project* — the enclosing git work tree, else the nearest folder holding
//! `pyproject.toml`, `setup.py` or `setup.cfg` — whatever paths were named. Edits stay within
//! the paths given. With no marker at all, a directory is its own project and a file's project
//! is its folder, so `picklefix a.py b.py` sees what `picklefix .` sees.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

use crate::discover::DEFAULT_EXCLUDES;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectKind {
    /// A git work tree (`.git` directory or file).
    Git,
    /// A folder with `pyproject.toml`, `setup.py` or `setup.cfg`.
    Marker,
    /// No marker above the path: the path itself (a file: its folder).
    Folder,
}

impl ProjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectKind::Git => "git",
            ProjectKind::Marker => "marker",
            ProjectKind::Folder => "folder",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRoot {
    /// Canonical path of the project folder.
    pub path: PathBuf,
    pub kind: ProjectKind,
}

const MARKERS: &[&str] = &["pyproject.toml", "setup.py", "setup.cfg"];

/// The project `path` belongs to.
pub fn locate(path: &Path) -> ProjectRoot {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path));
    let start = if canonical.is_dir() {
        canonical.clone()
    } else {
        canonical
            .parent()
            .map_or_else(|| canonical.clone(), Path::to_path_buf)
    };
    // The git work tree wins over any marker inside it: a monorepo's packages see each other.
    for dir in start.ancestors() {
        if dir.join(".git").exists() {
            return ProjectRoot {
                path: dir.to_path_buf(),
                kind: ProjectKind::Git,
            };
        }
    }
    for dir in start.ancestors() {
        if MARKERS.iter().any(|m| dir.join(m).is_file()) {
            return ProjectRoot {
                path: dir.to_path_buf(),
                kind: ProjectKind::Marker,
            };
        }
    }
    ProjectRoot {
        path: start,
        kind: ProjectKind::Folder,
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Every Python file of the project (canonical paths, sorted), honouring .gitignore, hidden
/// files, the default excludes and `exclude` globs (gitignore syntax, relative to the root).
pub fn python_files(root: &Path, exclude: &[String], jobs: Option<usize>) -> Vec<PathBuf> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in DEFAULT_EXCLUDES
        .iter()
        .map(|s| s.to_string())
        .chain(exclude.iter().cloned())
    {
        // An invalid glob is reported by discovery; here it only narrows nothing.
        let _ = overrides.add(&format!("!{glob}"));
    }
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .follow_links(false)
        .threads(jobs.unwrap_or(0));
    if let Ok(o) = overrides.build() {
        builder.overrides(o);
    }
    let files = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            if let Ok(entry) = entry {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && entry.path().extension().is_some_and(|e| e == "py") {
                    if let Ok(mut f) = files.lock() {
                        f.push(entry.into_path());
                    }
                }
            }
            WalkState::Continue
        })
    });
    let mut files = files.into_inner().unwrap_or_default();
    files.sort();
    let mut seen = HashSet::new();
    files.retain(|p| seen.insert(p.clone()));
    files
}

/// Dotted module names a file can be imported as: every suffix of its path below the project
/// root (`src/pkg/mod.py` → `src.pkg.mod`, `pkg.mod`, `mod`), since which folder is on
/// `sys.path` is not known. `__init__.py` names its package.
pub fn module_names(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let mut parts: Vec<String> = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect();
    if let Some(last) = parts.last_mut() {
        if let Some(stem) = last.strip_suffix(".py") {
            *last = stem.to_string();
        }
    }
    if parts.last().is_some_and(|l| l == "__init__") {
        parts.pop();
    }
    (0..parts.len()).map(|i| parts[i..].join(".")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_git_then_marker_then_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let pkg = root.join("repo/pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("a.py"), "x = 1\n").unwrap();
        let loose = locate(&pkg.join("a.py"));
        assert_eq!(loose.kind, ProjectKind::Folder);
        assert_eq!(loose.path, pkg);
        std::fs::write(root.join("repo/setup.cfg"), "").unwrap();
        assert_eq!(locate(&pkg.join("a.py")).path, root.join("repo"));
        std::fs::create_dir_all(root.join(".git")).unwrap();
        let git = locate(&pkg);
        assert_eq!((git.kind, git.path), (ProjectKind::Git, root.clone()));
    }

    #[test]
    fn module_names_are_path_suffixes() {
        let root = Path::new("/p");
        assert_eq!(
            module_names(root, Path::new("/p/src/pkg/mod.py")),
            ["src.pkg.mod", "pkg.mod", "mod"]
        );
        assert_eq!(module_names(root, Path::new("/p/pkg/__init__.py")), ["pkg"]);
    }
}
