//! picklefix: find callables handed to Python process pools that cannot (or should not)
//! be pickled, and rewrite them into module-level functions.
//!
//! Data flows one way: `discover` → `parse` → `resolve` → `matcher` → `judge` →
//! `rewrite` (plan `Fix`es) → `edit`/`apply` (apply, verify, write) → `render`/`report`.

pub mod apply;
pub mod arguments;
pub mod check;
pub mod cli;
pub mod codecs;
pub mod config;
pub mod deliver;
pub mod discover;
pub mod document;
pub mod edit;
pub mod facts;
pub mod git;
pub mod hierarchy;
pub mod index;
pub mod instance;
pub mod judge;
pub mod matcher;
pub mod module_index;
pub mod noqa;
pub mod outcome;
pub mod output;
pub mod parse;
pub mod process_subclass;
pub mod progress;
pub mod project;
pub mod receivers;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rewrite;
pub mod rules;
pub mod server;
pub mod settings;
pub mod source;
pub mod state;
pub mod strict;
pub mod suppress;
pub mod unpicklable;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use check::{analyze, fix_all_in, Finding};
use discover::{discover, Prefilter};
use hierarchy::AnalysisScope;
use index::ProjectIndex;
use outcome::{Failure, SkipReason};
use progress::Progress;
use settings::{Mode, Settings};
use source::Source;

/// What happened to one file.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    pub root: usize,
    /// Decoded original (absent when the file could not be read or decoded).
    pub source: Option<Source>,
    /// Findings on the original text.
    pub findings: Vec<Finding>,
    /// The fixed text, when it differs from the original.
    pub fixed: Option<String>,
    pub fixes_applied: usize,
    /// Why the file was skipped or not written (its reason decides its `status`).
    pub error: Option<Failure>,
    pub written: bool,
}

impl FileResult {
    /// 1-based row and column of byte `offset` of the original text ((1, 1) without one).
    pub fn row_col(&self, offset: usize) -> (usize, usize) {
        self.source.as_ref().map_or((1, 1), |s| s.row_col(offset))
    }
}

/// A file of a run that is not analysed: its path as found, and its root.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub path: PathBuf,
    pub root: usize,
}

/// The outcome of a whole run.
#[derive(Debug, Default)]
pub struct Run {
    /// Files that were analysed (prefilter passed), sorted by path.
    pub files: Vec<FileResult>,
    /// Files read in all (including those the prefilter skipped).
    pub scanned: usize,
    pub scanned_per_root: Vec<usize>,
    /// The roots of the run, in command-line order (`FileResult::root` indexes this).
    pub roots: Vec<settings::RootSettings>,
    /// The project each root belongs to (same indexes as `roots`).
    pub root_projects: Vec<project::ProjectRoot>,
    /// Problems that are not tied to an analysed file (missing roots, walk errors).
    pub errors: Vec<discover::RootError>,
    /// Files read whose bytes name no pool (the prefilter let them go): unchanged.
    pub unmatched: Vec<FileRef>,
    /// Files an exclude kept out (listed only when `settings.list_excluded`).
    pub excluded: Vec<FileRef>,
}

struct Loaded {
    candidate: discover::Candidate,
    bytes: Option<Vec<u8>>,
    error: Option<Failure>,
}

pub fn run(settings: &Settings) -> Run {
    let roots: Vec<Settings> = settings
        .roots()
        .iter()
        .map(|r| settings.for_root(r))
        .collect();
    let found = discover(&roots);
    let prefilters: Vec<Prefilter> = roots.iter().map(Prefilter::new).collect();

    // Analysis scope is the project of each root; edit scope is what discovery found.
    let mut projects: Vec<project::ProjectRoot> = Vec::new();
    let root_project: Vec<usize> = roots
        .iter()
        .map(|r| {
            let p = r
                .paths
                .first()
                .map(|p| project::locate(p))
                .unwrap_or_else(|| project::locate(std::path::Path::new(".")));
            match projects.iter().position(|q| *q == p) {
                Some(i) => i,
                None => {
                    projects.push(p);
                    projects.len() - 1
                }
            }
        })
        .collect();
    let project_files: Vec<Vec<PathBuf>> = projects
        .iter()
        .map(|p| project::python_files(&p.path, &project_excludes(settings, p), settings.jobs))
        .collect();
    // Each distinct file is read once, whether it is to be edited, indexed, or both.
    let mut edit_of: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    for (i, c) in found.files.iter().enumerate() {
        edit_of.insert(c.canonical.clone(), i);
    }
    let mut jobs: Vec<Job> = Vec::new();
    let mut claimed: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for (p, files) in project_files.iter().enumerate() {
        for path in files {
            let edit = edit_of.get(path).copied().filter(|e| claimed.insert(*e));
            jobs.push(Job {
                path: path.clone(),
                project: Some(p),
                edit,
            });
        }
    }
    for (i, c) in found.files.iter().enumerate() {
        if !claimed.contains(&i) {
            jobs.push(Job {
                path: c.canonical.clone(),
                project: None,
                edit: Some(i),
            });
        }
    }
    let progress = Progress::new(settings, jobs.len());
    let candidates = &found.files;
    let read: Vec<(Option<index::FileScan>, Option<usize>, Option<Loaded>)> = jobs
        .into_par_iter()
        .map(|job| {
            let out = read_job(job, candidates, &roots, &prefilters);
            progress.tick();
            out
        })
        .collect();
    let mut scanned = vec![0; roots.len()];
    let mut scans: Vec<Vec<index::FileScan>> = vec![Vec::new(); projects.len()];
    let mut loaded = Vec::new();
    let mut unmatched = Vec::new();
    for (scan, project, l) in read {
        if let (Some(scan), Some(p)) = (scan, project) {
            scans[p].push(scan);
        }
        if let Some(l) = l {
            scanned[l.candidate.root] += 1;
            if l.bytes.is_some() || l.error.is_some() {
                loaded.push(l);
            } else {
                unmatched.push(FileRef {
                    path: l.candidate.path,
                    root: l.candidate.root,
                });
            }
        }
    }
    let indexes: Vec<Arc<ProjectIndex>> = projects
        .iter()
        .zip(scans)
        .map(|(p, mut s)| {
            s.sort_by(|a, b| a.path.cmp(&b.path));
            Arc::new(ProjectIndex::new(Some(p.clone()), s))
        })
        .collect();

    // Phase 2: analyse and fix the candidates, each seen from its project.
    progress.phase("analysing", loaded.len());
    let mut files: Vec<FileResult> = loaded
        .into_par_iter()
        .map(|l| {
            let root = l.candidate.root;
            let scope = AnalysisScope {
                index: Arc::clone(&indexes[root_project[root]]),
                path: l.candidate.canonical.clone(),
            };
            let result = process(l, &roots[root], &scope);
            progress.tick();
            result
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    progress.finish();

    if settings.mode.writes() {
        let guard = git::WriteGuard::new(
            settings,
            files
                .iter()
                .filter(|f| f.fixed.is_some())
                .map(|f| f.path.as_path()),
        );
        for f in files.iter_mut() {
            if let Some(refused) = f.fixed.as_ref().and_then(|_| guard.refuses(&f.path)) {
                f.error = Some(refused);
                continue;
            }
            write_back(f);
        }
    }
    Run {
        files,
        scanned: scanned.iter().sum(),
        scanned_per_root: scanned,
        roots: settings.roots(),
        root_projects: root_project.iter().map(|&p| projects[p].clone()).collect(),
        errors: found.errors,
        unmatched,
        excluded: found.excluded,
    }
}

/// One file to read: indexed for `project`, and/or the edit candidate `edit`.
struct Job {
    path: PathBuf,
    project: Option<usize>,
    edit: Option<usize>,
}

/// The project's own `exclude` globs (from a `[tool.picklefix]` at its root) and the command
/// line's: the same for every path of the project, so verdicts do not depend on the paths.
pub fn project_excludes(settings: &Settings, project: &project::ProjectRoot) -> Vec<String> {
    let mut globs = settings.exclude.clone();
    let file = project.path.join("pyproject.toml");
    if let Ok(Some(config)) = config::read_config(&file) {
        globs.extend(config.exclude.unwrap_or_default());
    }
    globs
}

fn read_job(
    job: Job,
    candidates: &[discover::Candidate],
    roots: &[Settings],
    prefilters: &[Prefilter],
) -> (Option<index::FileScan>, Option<usize>, Option<Loaded>) {
    let index_as = job.project.map(|_| job.path.as_path());
    match job.edit {
        Some(e) => {
            let candidate = candidates[e].clone();
            let root = candidate.root;
            let (loaded, scan) = load(candidate, &roots[root], &prefilters[root], index_as);
            (scan, job.project, Some(loaded))
        }
        None => (scan_file(&job.path), job.project, None),
    }
}

/// The index's record of a file, read from disk; `None` when it cannot be read.
fn scan_file(path: &std::path::Path) -> Option<index::FileScan> {
    let bytes = std::fs::read(path).ok()?;
    Some(index::FileScan::of(path.to_path_buf(), &bytes))
}

/// Read one edit candidate, and its record for the index when `index_as` names it there
/// (whatever the prefilter or the size limit say: the index sees every project file alike).
fn load(
    candidate: discover::Candidate,
    settings: &Settings,
    prefilter: &Prefilter,
    index_as: Option<&std::path::Path>,
) -> (Loaded, Option<index::FileScan>) {
    let fail = |candidate, error: Failure| {
        (
            Loaded {
                candidate,
                bytes: None,
                error: Some(error),
            },
            index_as.and_then(scan_file),
        )
    };
    match std::fs::metadata(&candidate.path) {
        Ok(m) if m.is_dir() => return fail(candidate, Failure::error("is a directory")),
        Ok(m) if m.len() > settings.max_file_bytes => {
            let msg = format!(
                "is {} bytes, over the {} byte limit; skipped",
                m.len(),
                settings.max_file_bytes
            );
            return fail(candidate, Failure::skipped(SkipReason::TooLarge, msg));
        }
        Ok(_) => {}
        Err(e) => return fail(candidate, Failure::io(&e)),
    }
    let bytes = match std::fs::read(&candidate.path) {
        Ok(b) => b,
        Err(e) => return fail(candidate, Failure::io(&e)),
    };
    let scan = index_as.map(|p| index::FileScan::of(p.to_path_buf(), &bytes));
    let keep = prefilter.may_match(&bytes);
    // A skipped file is never decoded, yet one CPython cannot read must still be named.
    let error = if keep {
        None
    } else {
        source::readable(&bytes)
            .err()
            .map(|e| Failure::skipped(SkipReason::Encoding, e))
    };
    (
        Loaded {
            candidate,
            bytes: keep.then_some(bytes),
            error,
        },
        scan,
    )
}

/// One text that is not read from disk (stdin, an editor's buffer), analysed and fixed like
/// a file of a run (never written: `settings.mode` only chooses what is planned). `scope`
/// names the file in its project, whose other files are read from disk.
pub fn run_text(
    path: PathBuf,
    bytes: Vec<u8>,
    settings: &Settings,
    scope: &AnalysisScope,
) -> FileResult {
    let candidate = discover::Candidate {
        canonical: index::canonical(&path),
        path,
        root: 0,
    };
    let loaded = Loaded {
        candidate,
        bytes: Some(bytes),
        error: None,
    };
    process(loaded, settings, scope)
}

fn process(l: Loaded, settings: &Settings, scope: &AnalysisScope) -> FileResult {
    let mut result = FileResult {
        path: l.candidate.path,
        root: l.candidate.root,
        source: None,
        findings: Vec::new(),
        fixed: None,
        fixes_applied: 0,
        error: l.error,
        written: false,
    };
    let Some(bytes) = l.bytes else {
        return result;
    };
    let source = match Source::decode(&bytes) {
        Ok(s) => s,
        Err(e) => {
            result.error = Some(Failure::skipped(SkipReason::Encoding, e));
            return result;
        }
    };
    match analyze(&source.text, settings, scope) {
        Ok(mut findings) => {
            check::refuse_unencodable(&mut findings, &source.codec);
            result.findings = findings
        }
        Err(e) => {
            result.error = Some(Failure::skipped(SkipReason::SyntaxError, e));
            result.source = Some(source);
            return result;
        }
    }
    // A file we might change must be one CPython accepts, not only tree-sitter.
    if result.findings.iter().any(|f| f.fix.is_some()) {
        if let Some(why) = strict::rejects(&source.text) {
            result.findings.clear();
            result.error = Some(Failure::skipped(
                SkipReason::SyntaxError,
                format!("syntax error at {why} (CPython's grammar; tree-sitter recovered); file left untouched"),
            ));
            result.source = Some(source);
            return result;
        }
    }
    if settings.mode == Mode::AddNoqa {
        let analyse = |text: &str| analyze(text, settings, scope);
        match noqa::add_noqa(&source.text, &result.findings, analyse) {
            Ok(added) => {
                if added.text != source.text {
                    result.fixed = Some(added.text);
                    result.fixes_applied = added.suppressed;
                }
                if !added.refused.is_empty() {
                    result.error = Some(Failure::error(format!(
                        "no noqa comment added: {}",
                        added.refused.join("; ")
                    )));
                }
            }
            Err(e) => result.error = Some(Failure::error(e)),
        }
    } else if settings.mode != Mode::Check || settings.show_diff {
        let mut fixed = fix_all_in(
            &source.text,
            &result.findings,
            settings,
            scope,
            &source.codec,
        );
        if fixed.text != source.text {
            let why = match source.encode(&fixed.text) {
                Err(e) => Some(format!("{e}; nothing was changed")),
                Ok(_) => strict::rejects(&fixed.text).map(|why| {
                    format!(
                        "the fixed text would not parse for CPython ({why}); nothing was changed"
                    )
                }),
            };
            if let Some(why) = why {
                fixed = check::Fixed {
                    text: source.text.clone(),
                    fixes_applied: 0,
                    rejected: Some(why),
                };
            }
        }
        if fixed.text != source.text {
            result.fixed = Some(fixed.text);
            result.fixes_applied = fixed.fixes_applied;
        }
        if let Some(why) = fixed.rejected {
            result.error = Some(Failure::error(why));
        }
    }
    result.source = Some(source);
    result
}

fn write_back(f: &mut FileResult) {
    let (Some(source), Some(fixed)) = (&f.source, &f.fixed) else {
        return;
    };
    let encoded = source
        .encode(&source.text)
        .and_then(|original| Ok((original, source.encode(fixed)?)))
        .map_err(|e| Failure::skipped(SkipReason::Encoding, e));
    let result = encoded.and_then(|(original, new)| apply::write_atomic(&f.path, &original, &new));
    match result {
        Ok(()) => f.written = true,
        Err(e) => f.error = Some(e),
    }
}
