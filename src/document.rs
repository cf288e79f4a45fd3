//! One module held in memory rather than read from disk: stdin (`-`) and an editor's
//! buffers. It is checked like a file of a run over its project: the classes of the files
//! around it count for override detection, with the buffer standing in for its own file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::discover;
use crate::index::{scan, ClassIndex, Header};
use crate::judge::Overrides;
use crate::settings::Settings;
use crate::Run;

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

/// The override index of every Python file under `dir` as it is on disk (with the
/// excludes of `settings`).
pub fn project_index(dir: &Path, settings: &Settings) -> ClassIndex {
    let walk = Settings {
        paths: vec![dir.to_path_buf()],
        roots: Vec::new(),
        force_exclude: false,
        ..settings.clone()
    };
    let headers: Vec<Header> = discover(&[walk])
        .files
        .into_par_iter()
        .flat_map_iter(|c| match std::fs::read(&c.path) {
            Ok(bytes) => scan(&bytes, &Arc::new(c.path)),
            // Unreadable files hold no classes a run could see either.
            Err(_) => Vec::new(),
        })
        .collect();
    ClassIndex::new(headers)
}

/// The override index of one buffer's own text.
pub fn buffer_index(path: &Path, bytes: &[u8]) -> ClassIndex {
    let index = ClassIndex::new(scan(bytes, &Arc::new(path.to_path_buf())));
    index.preload(path, bytes.to_vec());
    index
}

/// A buffer over its project: a method is overridden if the buffer's classes say so or
/// the project's files on disk do. The project index, built once, holds the file's saved
/// text too, so a subclass chain through it is followed; a stale saved text can only cost
/// a fix, never make an unsafe one.
pub struct Layered<'a> {
    pub buffer: ClassIndex,
    pub project: &'a ClassIndex,
}

impl Overrides for Layered<'_> {
    fn overridden_by(&self, class: &str, method: &str) -> Option<String> {
        self.buffer
            .overridden_by(class, method)
            .or_else(|| self.project.overridden_by(class, method))
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
    // Without a name the buffer has no project: only its own classes count.
    let project = match named.then(|| project_dir(&root.path)).flatten() {
        Some(dir) => project_index(&dir, &root_settings),
        None => ClassIndex::default(),
    };
    let overrides = Layered {
        buffer: buffer_index(&root.path, &bytes),
        project: &project,
    };
    let mut file = crate::run_text(root.path.clone(), bytes, &root_settings, &overrides);
    file.root = 0;
    // Under --write the fixed source goes to stdout: that is stdin's "write".
    file.written = settings.mode == crate::settings::Mode::Write && file.fixed.is_some();
    run.files.push(file);
    run
}
