//! One module held in memory rather than read from disk: stdin (`-`) and an editor's
//! buffers. It is checked like a file of a run over its project: the classes of the files
//! around it count for override detection, with the buffer standing in for its own file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::discover::discover;
use crate::index::{scan, ClassIndex, Header};
use crate::settings::Settings;
use crate::{FileResult, Run};

/// The folder a module belongs to: the nearest one above it holding a `pyproject.toml`,
/// `setup.py`, `setup.cfg` or `.git`, else its own folder.
pub fn project_dir(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    let folder = abs.parent()?;
    let markers = ["pyproject.toml", "setup.py", "setup.cfg", ".git"];
    let found = folder
        .ancestors()
        .find(|d| markers.iter().any(|m| d.join(m).exists()));
    Some(found.unwrap_or(folder).to_path_buf())
}

/// Class headers of every Python file under `dir` (with the excludes of `settings`),
/// except `skip` (the buffer that replaces it).
pub fn project_headers(dir: &Path, settings: &Settings, skip: Option<&Path>) -> Vec<Header> {
    let walk = Settings {
        paths: vec![dir.to_path_buf()],
        roots: Vec::new(),
        force_exclude: false,
        ..settings.clone()
    };
    let skip = skip.and_then(|p| std::fs::canonicalize(p).ok());
    let mut headers = Vec::new();
    for candidate in discover(&[walk]).files {
        let canonical = std::fs::canonicalize(&candidate.path).ok();
        if skip.is_some() && canonical == skip {
            continue;
        }
        if let Ok(bytes) = std::fs::read(&candidate.path) {
            headers.extend(scan(&bytes, &Arc::new(candidate.path)));
        }
    }
    headers
}

/// The override index for a buffer named `path` with `bytes`, over `project` headers.
pub fn index_with_buffer(mut project: Vec<Header>, path: &Path, bytes: &[u8]) -> ClassIndex {
    project.extend(scan(bytes, &Arc::new(path.to_path_buf())));
    let index = ClassIndex::new(project);
    index.preload(path, bytes.to_vec());
    index
}

/// Check a buffer: `settings` are those of its root (see `Settings::for_root`).
pub fn check_buffer(
    path: &Path,
    bytes: Vec<u8>,
    settings: &Settings,
    project: Vec<Header>,
) -> FileResult {
    let index = index_with_buffer(project, path, &bytes);
    crate::run_text(path.to_path_buf(), bytes, settings, &index)
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
    // Without a name the buffer has no project: only its own classes count.
    let project = match named.then(|| project_dir(&root.path)).flatten() {
        Some(dir) => project_headers(&dir, &root_settings, Some(&root.path)),
        None => Vec::new(),
    };
    let mut file = check_buffer(&root.path, bytes, &root_settings, project);
    file.root = 0;
    run.files.push(file);
    run
}
