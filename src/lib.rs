//! picklefix: find callables handed to Python process pools that cannot (or should not)
//! be pickled, and rewrite them into module-level functions.
//!
//! Data flows one way: `discover` → `parse` → `resolve` → `matcher` → `judge` →
//! `rewrite` (plan `Fix`es) → `edit`/`apply` (apply, verify, write) → `render`/`report`.

pub mod apply;
pub mod check;
pub mod cli;
pub mod discover;
pub mod edit;
pub mod index;
pub mod judge;
pub mod matcher;
pub mod parse;
pub mod render;
pub mod report;
pub mod resolve;
pub mod rewrite;
pub mod rules;
pub mod settings;
pub mod source;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use check::{analyze, fix_all, Finding};
use discover::{discover, io_message, Prefilter};
use index::ClassIndex;
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
}

/// The outcome of a whole run.
#[derive(Debug, Default)]
pub struct Run {
    /// Files that were analysed (prefilter passed), sorted by path.
    pub files: Vec<FileResult>,
    /// Files read in all (including those the prefilter skipped).
    pub scanned: usize,
    /// Problems that are not tied to an analysed file (missing roots, walk errors).
    pub errors: Vec<(PathBuf, String)>,
}

struct Loaded {
    candidate: discover::Candidate,
    bytes: Option<Vec<u8>>,
    error: Option<String>,
}

pub fn run(settings: &Settings) -> Run {
    let found = discover(settings);
    let prefilter = Prefilter::new(settings);

    // Phase 1: read every file once; index class headers; keep only what may match.
    let read: Vec<(Loaded, Vec<index::Header>)> = found
        .files
        .into_par_iter()
        .map(|candidate| load(candidate, settings, &prefilter))
        .collect();
    let scanned = read.len();
    let mut headers = Vec::new();
    let mut loaded = Vec::new();
    for (l, h) in read {
        headers.extend(h);
        if l.bytes.is_some() || l.error.is_some() {
            loaded.push(l);
        }
    }
    let overrides = ClassIndex::new(headers);

    // Phase 2: analyse and fix the candidates, with the whole run's class index.
    let mut files: Vec<FileResult> = loaded
        .into_par_iter()
        .map(|l| process(l, settings, &overrides))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));

    if settings.mode == Mode::Write {
        for f in files.iter_mut() {
            write_back(f);
        }
    }
    Run {
        files,
        scanned,
        errors: found.errors,
    }
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

fn process(l: Loaded, settings: &Settings, overrides: &ClassIndex) -> FileResult {
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
    if settings.mode != Mode::Check || settings.show_diff {
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
