//! One module held in memory rather than read from disk: stdin (`-`) and an editor's
//! buffers. It is analysed like a file of a run over its project: the project's other
//! files are read from disk (as a run would index them), the buffer stands for its own file.

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::hierarchy::AnalysisScope;
use crate::index::{canonical, FileScan, ProjectIndex};
use crate::project::{locate, python_files};
use crate::settings::{Mode, Settings};
use crate::Run;

/// The index of the project `path` belongs to, read from disk (with the project's and
/// the command line's excludes, as a run reads it).
pub fn project_index(path: &Path, settings: &Settings) -> ProjectIndex {
    let root = locate(path);
    let excludes = crate::project_excludes(settings, &root);
    let mut scans: Vec<FileScan> = python_files(&root.path, &excludes, settings.jobs)
        .into_par_iter()
        .filter_map(|p| {
            // An unreadable file holds nothing a run could see either.
            let bytes = std::fs::read(&p).ok()?;
            Some(FileScan::of(p, &bytes))
        })
        .collect();
    scans.sort_by(|a, b| a.path.cmp(&b.path));
    ProjectIndex::new(Some(root), scans)
}

/// The buffer named `path`, seen from `index` (its project).
pub fn scope_in(index: Arc<ProjectIndex>, path: &Path) -> AnalysisScope {
    AnalysisScope {
        index,
        path: canonical(path),
    }
}

/// A run over stdin: one file, named by `--stdin-filename` (or `-`). Under
/// `--force-exclude` an excluded name gives an empty run.
pub fn stdin_run(settings: &Settings, bytes: Vec<u8>) -> Run {
    let roots = settings.roots();
    let Some(root) = roots.first() else {
        return Run::default();
    };
    let root_settings = settings.for_root(root);
    let named = root.path.as_os_str() != "-";
    let mut run = Run {
        scanned: 1,
        scanned_per_root: vec![1],
        roots: roots.clone(),
        ..Run::default()
    };
    if settings.force_exclude
        && named
        && crate::discover::explicitly_excluded(&root.path, &root_settings)
    {
        run.scanned = 0;
        run.scanned_per_root = vec![0];
        return run;
    }
    // Without a name the buffer has no project: only its own text counts.
    let scope = if named {
        scope_in(
            Arc::new(project_index(&root.path, &root_settings)),
            &root.path,
        )
    } else {
        AnalysisScope::alone(&root.path)
    };
    let mut file = crate::run_text(root.path.clone(), bytes, &root_settings, &scope);
    file.root = 0;
    // Under --write the fixed source goes to stdout: that is stdin's "write".
    file.written = settings.mode == Mode::Write && file.fixed.is_some();
    run.files.push(file);
    run
}
