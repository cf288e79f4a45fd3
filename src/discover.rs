//! Which files to read: walk the roots (honouring .gitignore, hidden files and `--exclude`),
//! and the byte prefilter that lets most files skip parsing.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use aho_corasick::AhoCorasick;
use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};
use rayon::prelude::*;

use crate::matcher::{POOL_LIKE_WORDS, POOL_WORDS};
use crate::outcome::Failure;
use crate::rules::Rule;
use crate::settings::Settings;

/// Folders no one wants rewritten (virtual environments, vendored packages).
pub const DEFAULT_EXCLUDES: &[&str] = &[
    "venv",
    "node_modules",
    "site-packages",
    "__pypackages__",
    "__pycache__",
];

#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// The path with symlinks and `.`/`..` resolved: one name for one file.
    pub canonical: PathBuf,
    /// Index of the root (command-line path) it came from.
    pub root: usize,
}

pub struct Discovered {
    pub files: Vec<Candidate>,
    /// Roots that don't exist and walk errors.
    pub errors: Vec<RootError>,
    /// Files an exclude glob or `--force-exclude` kept out, when the settings ask for them
    /// (`list_excluded`); the default excludes and `.gitignore` are not listed.
    pub excluded: Vec<crate::FileRef>,
}

/// A problem of a root's walk rather than of one of its files.
#[derive(Debug, Clone)]
pub struct RootError {
    pub root: usize,
    pub path: PathBuf,
    pub failure: Failure,
}

/// Walk every root; `roots[i]` are the settings of root `i` (its excludes, its rules).
pub fn discover(roots: &[Settings]) -> Discovered {
    let files = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let mut excluded = Vec::new();
    for (root_index, settings) in roots.iter().enumerate() {
        let Some(root) = settings.paths.first() else {
            continue;
        };
        let error = |path: PathBuf, failure| RootError {
            root: root_index,
            path,
            failure,
        };
        // Like ruff, an excluded path named on the command line is skipped without a word.
        if settings.force_exclude && explicitly_excluded(root, settings) {
            if settings.list_excluded {
                excluded.extend(python_files_under(root, &[], settings, root_index));
            }
            continue;
        }
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                push(&errors, error(root.clone(), Failure::io(&e)));
                continue;
            }
        };
        if meta.is_file() {
            // Named on the command line: always read, whatever its name.
            push(
                &files,
                Candidate {
                    path: root.clone(),
                    canonical: PathBuf::new(),
                    root: root_index,
                },
            );
            continue;
        }
        let walker = match build_walker(root, &settings.exclude, settings) {
            Ok(w) => w,
            Err(e) => {
                push(&errors, error(root.clone(), Failure::error(e)));
                continue;
            }
        };
        let before = files.lock().map_or(0, |f| f.len());
        walker.run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        if is_file && entry.path().extension().is_some_and(|e| e == "py") {
                            push(
                                &files,
                                Candidate {
                                    path: entry.into_path(),
                                    canonical: PathBuf::new(),
                                    root: root_index,
                                },
                            );
                        }
                    }
                    Err(err) => {
                        let path = match &err {
                            ignore::Error::WithPath { path, .. } => path.clone(),
                            _ => root.clone(),
                        };
                        let failure = match err.io_error() {
                            Some(io) => Failure {
                                message: err.to_string(),
                                ..Failure::io(io)
                            },
                            None => Failure::error(err.to_string()),
                        };
                        push(&errors, error(path, failure));
                    }
                }
                WalkState::Continue
            })
        });
        if settings.list_excluded && !settings.exclude.is_empty() {
            let kept: std::collections::HashSet<PathBuf> = files
                .lock()
                .map(|f| f[before..].iter().map(|c| c.path.clone()).collect())
                .unwrap_or_default();
            excluded.extend(
                python_files_under(root, &[], settings, root_index)
                    .into_iter()
                    .filter(|f| !kept.contains(&f.path)),
            );
        }
    }
    excluded.sort_by(|a, b| a.path.cmp(&b.path));
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
        .par_iter_mut()
        .for_each(|c| c.canonical = crate::index::canonical(&c.path));
    // One file reached by two spellings (`proj` and `./proj/m.py`, a symlink and its
    // target) is processed once: rewriting it twice would race with itself.
    let mut seen = std::collections::HashSet::new();
    files.retain(|c| seen.insert(c.canonical.clone()));
    Discovered {
        files,
        errors: errors.into_inner().unwrap_or_default(),
        excluded,
    }
}

/// The Python files a walk of `root` with only `exclude` (and the default excludes) finds.
fn python_files_under(
    root: &Path,
    exclude: &[String],
    settings: &Settings,
    root_index: usize,
) -> Vec<crate::FileRef> {
    if root.is_file() {
        return vec![crate::FileRef {
            path: root.to_path_buf(),
            root: root_index,
        }];
    }
    let Ok(walker) = build_walker(root, exclude, settings) else {
        return Vec::new();
    };
    let found = Mutex::new(Vec::new());
    walker.run(|| {
        Box::new(|entry| {
            if let Ok(entry) = entry {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && entry.path().extension().is_some_and(|e| e == "py") {
                    push(
                        &found,
                        crate::FileRef {
                            path: entry.into_path(),
                            root: root_index,
                        },
                    );
                }
            }
            WalkState::Continue
        })
    });
    found.into_inner().unwrap_or_default()
}

fn push<T>(list: &Mutex<Vec<T>>, item: T) {
    if let Ok(mut l) = list.lock() {
        l.push(item);
    }
}

fn build_walker(
    root: &Path,
    exclude: &[String],
    settings: &Settings,
) -> Result<ignore::WalkParallel, String> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in DEFAULT_EXCLUDES
        .iter()
        .map(|s| s.to_string())
        .chain(exclude.iter().cloned())
    {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|e| format!("invalid --exclude pattern `{glob}`: {e}"))?;
    }
    let overrides = overrides.build().map_err(|e| e.to_string())?;
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .follow_links(false)
        .overrides(overrides)
        .threads(settings.jobs.unwrap_or(0));
    Ok(builder.build_parallel())
}

/// Under `--force-exclude`: whether a path named on the command line (or given as
/// `--stdin-filename`) falls under a default exclude, a configuration `exclude` (relative to
/// its file) or an `--exclude` glob (relative to the current folder).
pub fn explicitly_excluded(path: &Path, settings: &Settings) -> bool {
    let abs = resolved(path);
    let default_hit = abs.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|name| DEFAULT_EXCLUDES.contains(&name))
    });
    if default_hit {
        return true;
    }
    let is_dir = abs.is_dir();
    let mut by_base: Vec<(PathBuf, Vec<&str>)> = Vec::new();
    for g in &settings.anchored_excludes {
        let base = resolved(&g.base);
        match by_base.iter_mut().find(|(b, _)| *b == base) {
            Some((_, globs)) => globs.push(&g.glob),
            None => by_base.push((base, vec![&g.glob])),
        }
    }
    by_base.into_iter().any(|(base, globs)| {
        // The matcher only answers for paths under its base.
        if !abs.starts_with(&base) {
            return false;
        }
        let mut builder = ignore::gitignore::GitignoreBuilder::new(&base);
        for glob in globs {
            // An invalid glob is reported by the walk; here it just matches nothing.
            let _ = builder.add_line(None, glob);
        }
        builder
            .build()
            .is_ok_and(|m| m.matched_path_or_any_parents(&abs, is_dir).is_ignore())
    })
}

/// `path` made absolute with symlinks resolved, also when it does not exist (a stdin name).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(parent), Some(name)) => resolved_dir(parent).join(name),
        _ => abs,
    }
}

fn resolved_dir(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Fast check that a file could hold a finding: it must name a pool as a whole identifier
/// (or, with PF100 selected, merely mention something pool-like).
pub struct Prefilter {
    words: Option<AhoCorasick>,
    /// PF100 looks at receivers *named* like pools: any substring counts.
    loose: Option<AhoCorasick>,
}

impl Prefilter {
    pub fn new(settings: &Settings) -> Prefilter {
        if !settings.prefilter {
            return Prefilter {
                words: None,
                loose: None,
            };
        }
        let words = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(POOL_WORDS)
            .ok();
        let loose = if settings.rules.contains(&Rule::UnknownPool) {
            AhoCorasick::new(POOL_LIKE_WORDS).ok()
        } else {
            None
        };
        Prefilter { words, loose }
    }

    pub fn may_match(&self, bytes: &[u8]) -> bool {
        let Some(words) = &self.words else {
            return true;
        };
        if self.loose.as_ref().is_some_and(|l| l.is_match(bytes)) {
            return true;
        }
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        words.find_iter(bytes).any(|m| {
            let before = m.start().checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(m.end()).copied();
            !before.is_some_and(ident) && !after.is_some_and(ident)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_words() {
        let s = Settings::default();
        let p = Prefilter::new(&s);
        assert!(p.may_match(b"from multiprocessing import Pool"));
        assert!(p.may_match(b"loop.run_in_executor(x, f)"));
        assert!(p.may_match(b"from concurrent.futures import ProcessPoolExecutor as E"));
        assert!(p.may_match(b"ctx.Process(target=f)"));
        assert!(!p.may_match(b"import os\nprint(1)\n"));
        assert!(!p.may_match(b"class ProcessError(Exception): pass\nThreadPoolish = 1\n"));
        let pf100 = Prefilter::new(&Settings {
            rules: crate::rules::ALL.iter().copied().collect(),
            ..Settings::default()
        });
        assert!(pf100.may_match(b"self.executor.submit(self.m)"));
        let off = Prefilter::new(&Settings {
            prefilter: false,
            ..Settings::default()
        });
        assert!(off.may_match(b"import os"));
    }

    #[test]
    fn explicit_paths_under_force_exclude() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().to_path_buf();
        std::fs::create_dir_all(base.join("src/gen")).unwrap();
        std::fs::create_dir_all(base.join("venv/lib")).unwrap();
        for f in ["src/gen/a.py", "src/m_pb2.py", "src/m.py", "venv/lib/x.py"] {
            std::fs::write(base.join(f), "x = 1\n").unwrap();
        }
        let glob = |g: &str| crate::settings::AnchoredGlob {
            base: base.clone(),
            glob: g.to_string(),
        };
        let settings = Settings {
            anchored_excludes: vec![glob("*_pb2.py"), glob("src/gen/")],
            ..Settings::default()
        };
        let excluded = |f: &str| explicitly_excluded(&base.join(f), &settings);
        assert!(excluded("src/gen/a.py"));
        assert!(excluded("src/gen"));
        assert!(excluded("src/m_pb2.py"));
        assert!(excluded("venv/lib/x.py"));
        assert!(!excluded("src/m.py"));
        // A stdin name that does not exist is matched by name.
        assert!(excluded("src/gen/new.py"));
        assert!(!excluded("src/new.py"));
    }
}
