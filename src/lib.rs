//! picklefix: find callables handed to Python process pools that cannot (or should not)
//! be pickled, and rewrite them into module-level functions.
//!
//! Data flows one way: `discover` → `parse` → `resolve` → `matcher` → `judge` →
//! `rewrite` (plan `Fix`es) → `edit`/`apply` (apply, verify, write) → `render`/`report`.

pub mod apply;
pub mod check;
pub mod cli;
pub mod config;
pub mod discover;
pub mod document;
pub mod edit;
pub mod git;
pub mod index;
pub mod judge;
pub mod matcher;
pub mod noqa;
pub mod output;
pub mod parse;
pub mod progress;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rewrite;
pub mod rules;
pub mod server;
pub mod settings;
pub mod source;
pub mod suppress;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use check::{analyze, fix_all, Finding};
use discover::{discover, io_message, Prefilter};
use index::ClassIndex;
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
    /// Why the file was skipped or not written.
    pub error: Option<String>,
    pub written: bool,
    /// Not written because git shows uncommitted changes (see `--allow-dirty`).
    pub skipped_dirty: bool,
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
    /// Problems that are not tied to an analysed file (missing roots, walk errors).
    pub errors: Vec<(PathBuf, String)>,
}

struct Loaded {
    candidate: discover::Candidate,
    bytes: Option<Vec<u8>>,
    error: Option<String>,
}

pub fn run(settings: &Settings) -> Run {
    let roots: Vec<Settings> = settings
        .roots()
        .iter()
        .map(|r| settings.for_root(r))
        .collect();
    let found = discover(&roots);
    let prefilters: Vec<Prefilter> = roots.iter().map(Prefilter::new).collect();
    let progress = Progress::new(settings, found.files.len());

    // Phase 1: read every file once; index class headers; keep only what may match.
    let read: Vec<(Loaded, Vec<index::Header>)> = found
        .files
        .into_par_iter()
        .map(|candidate| {
            let root = candidate.root;
            let loaded = load(candidate, &roots[root], &prefilters[root]);
            progress.tick();
            loaded
        })
        .collect();
    let mut scanned = vec![0; roots.len()];
    let mut headers: Vec<Vec<index::Header>> = vec![Vec::new(); roots.len()];
    let mut loaded = Vec::new();
    for (l, h) in read {
        scanned[l.candidate.root] += 1;
        headers[l.candidate.root].extend(h);
        if l.bytes.is_some() || l.error.is_some() {
            loaded.push(l);
        }
    }
    // Overrides are looked for within the same root: one repository's subclasses say
    // nothing about another's classes.
    let overrides: Vec<ClassIndex> = headers.into_iter().map(ClassIndex::new).collect();

    // Phase 2: analyse and fix the candidates, with their root's class index.
    progress.phase("analysing", loaded.len());
    let mut files: Vec<FileResult> = loaded
        .into_par_iter()
        .map(|l| {
            let root = l.candidate.root;
            let result = process(l, &roots[root], &overrides[root]);
            progress.tick();
            result
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    progress.finish();

    if settings.mode.writes() {
        let dirty = if settings.allow_dirty {
            git::DirtyFiles::none()
        } else {
            git::DirtyFiles::for_paths(
                files
                    .iter()
                    .filter(|f| f.fixed.is_some())
                    .map(|f| f.path.as_path()),
            )
        };
        for f in files.iter_mut() {
            if f.fixed.is_some() && dirty.contains(&f.path) {
                f.error = Some(
                    "has uncommitted changes; not rewritten (commit or stash them, or pass --allow-dirty)"
                        .to_string(),
                );
                f.skipped_dirty = true;
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
        errors: found.errors,
    }
}

/// One text that is not read from disk (stdin, an editor's buffer), analysed and fixed like
/// a file of a run (never written: `settings.mode` only chooses what is planned).
pub fn run_text(
    path: PathBuf,
    bytes: Vec<u8>,
    settings: &Settings,
    overrides: &dyn judge::Overrides,
) -> FileResult {
    let candidate = discover::Candidate { path, root: 0 };
    let loaded = Loaded {
        candidate,
        bytes: Some(bytes),
        error: None,
    };
    process(loaded, settings, overrides)
}

fn load(
    candidate: discover::Candidate,
    settings: &Settings,
    prefilter: &Prefilter,
) -> (Loaded, Vec<index::Header>) {
    let fail = |candidate, error: String| {
        (
            Loaded {
                candidate,
                bytes: None,
                error: Some(error),
            },
            Vec::new(),
        )
    };
    match std::fs::metadata(&candidate.path) {
        Ok(m) if m.is_dir() => return fail(candidate, "is a directory".to_string()),
        Ok(m) if m.len() > settings.max_file_bytes => {
            let msg = format!(
                "is {} bytes, over the {} byte limit; skipped",
                m.len(),
                settings.max_file_bytes
            );
            return fail(candidate, msg);
        }
        Ok(_) => {}
        Err(e) => return fail(candidate, io_message(&e)),
    }
    let bytes = match std::fs::read(&candidate.path) {
        Ok(b) => b,
        Err(e) => return fail(candidate, io_message(&e)),
    };
    let path = Arc::new(candidate.path.clone());
    let headers = index::scan(&bytes, &path);
    let keep = prefilter.may_match(&bytes);
    (
        Loaded {
            candidate,
            bytes: keep.then_some(bytes),
            error: None,
        },
        headers,
    )
}

fn process(l: Loaded, settings: &Settings, overrides: &dyn judge::Overrides) -> FileResult {
    let mut result = FileResult {
        path: l.candidate.path,
        root: l.candidate.root,
        source: None,
        findings: Vec::new(),
        fixed: None,
        fixes_applied: 0,
        error: l.error,
        written: false,
        skipped_dirty: false,
    };
    let Some(bytes) = l.bytes else {
        return result;
    };
    let source = match Source::decode(&bytes) {
        Ok(s) => s,
        Err(e) => {
            result.error = Some(e);
            return result;
        }
    };
    match analyze(&source.text, settings, overrides) {
        Ok(findings) => result.findings = findings,
        Err(e) => {
            result.error = Some(e);
            result.source = Some(source);
            return result;
        }
    }
    if settings.mode == Mode::AddNoqa {
        let analyse = |text: &str| analyze(text, settings, overrides);
        match noqa::add_noqa(&source.text, &result.findings, analyse) {
            Ok(added) => {
                if added.text != source.text {
                    result.fixed = Some(added.text);
                    result.fixes_applied = added.suppressed;
                }
                if !added.refused.is_empty() {
                    result.error = Some(format!(
                        "no noqa comment added: {}",
                        added.refused.join("; ")
                    ));
                }
            }
            Err(e) => result.error = Some(e),
        }
    } else if settings.mode != Mode::Check || settings.show_diff {
        let fixed = fix_all(&source.text, &result.findings, settings, overrides);
        if fixed.text != source.text {
            result.fixed = Some(fixed.text);
            result.fixes_applied = fixed.fixes_applied;
        }
        if let Some(why) = fixed.rejected {
            result.error = Some(why);
        }
    }
    result.source = Some(source);
    result
}

fn write_back(f: &mut FileResult) {
    let (Some(source), Some(fixed)) = (&f.source, &f.fixed) else {
        return;
    };
    let original = source.encode(&source.text);
    match apply::write_atomic(&f.path, &original, &source.encode(fixed)) {
        Ok(()) => f.written = true,
        Err(e) => f.error = Some(e),
    }
}
