//! The project index: what every Python file of a project says about classes and names,
//! gathered cheaply and answered lazily.
//!
//! While files are read, a byte scan records the class headers (name, base names), enough to
//! know which files may subclass a class. Everything else is asked for only when a hoist is
//! judged: the first question builds a per-file set of word hashes (every identifier-like run
//! of bytes, strings and comments included, so a hit is a superset of real occurrences), and
//! only the files that may hold an answer are parsed, with their facts cached. A run that
//! judges no hoist pays for the header scan alone.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use memchr::memmem;
use rayon::prelude::*;

use crate::facts::{class_uses, occurrences, ClassUse, FileFacts, Occurrence};
use crate::parse::{first_error, parse};
use crate::project::{module_names, ProjectRoot};
use crate::resolve::Module;
use crate::source::Source;

pub type FileId = usize;

/// Per-(file, name) answers; `None` when the file cannot be read or parsed.
type NameCache<T> = HashMap<(FileId, String), Option<Arc<T>>>;
type OccurrenceCache = NameCache<Vec<Occurrence>>;
type ClassUseCache = NameCache<Vec<ClassUse>>;

/// A cache key names the file it is about.
trait FileKey {
    fn file(&self) -> FileId;
}

impl FileKey for FileId {
    fn file(&self) -> FileId {
        *self
    }
}

impl FileKey for (FileId, String) {
    fn file(&self) -> FileId {
        self.0
    }
}

/// A class header found by the byte scan: a hint, verified by parsing before it is used.
#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    /// Last dotted component of each base (`pkg.Base[T]` → `Base`).
    pub bases: Vec<String>,
}

/// Scan `bytes` for `class Name(Base, …):` headers at the start of a line.
pub fn scan(bytes: &[u8]) -> Vec<Header> {
    let mut out = Vec::new();
    for at in memmem::find_iter(bytes, b"class") {
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        if !bytes[line_start..at]
            .iter()
            .all(|&b| b == b' ' || b == b'\t')
        {
            continue;
        }
        let mut i = at + 5;
        if !bytes.get(i).is_some_and(|&b| b == b' ' || b == b'\t') {
            continue;
        }
        while bytes.get(i).is_some_and(|&b| b == b' ' || b == b'\t') {
            i += 1;
        }
        let name_start = i;
        while bytes.get(i).is_some_and(|&b| is_word_byte(b)) {
            i += 1;
        }
        if i == name_start {
            continue;
        }
        let name = String::from_utf8_lossy(&bytes[name_start..i]).into_owned();
        while bytes.get(i).is_some_and(|&b| b == b' ' || b == b'\t') {
            i += 1;
        }
        let mut bases = Vec::new();
        if bytes.get(i) == Some(&b'(') {
            let mut depth = 0usize;
            let mut current = Vec::new();
            let limit = (i + 4096).min(bytes.len());
            for &b in &bytes[i..limit] {
                match b {
                    b'(' | b'[' | b'{' => {
                        depth += 1;
                        if depth > 1 {
                            current.push(b);
                        }
                    }
                    b')' | b']' | b'}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            bases.extend(base_name(&current));
                            break;
                        }
                        current.push(b);
                    }
                    b',' if depth == 1 => {
                        bases.extend(base_name(&current));
                        current.clear();
                    }
                    _ => current.push(b),
                }
            }
        }
        out.push(Header { name, bases });
    }
    out
}

/// What the first read of a file records for the index.
#[derive(Debug, Clone)]
pub struct FileScan {
    pub path: PathBuf,
    pub headers: Vec<Header>,
    /// `from … import *` somewhere in the bytes.
    pub star_import: bool,
}

impl FileScan {
    pub fn of(path: PathBuf, bytes: &[u8]) -> FileScan {
        FileScan {
            path,
            headers: scan(bytes),
            star_import: has_star_import(bytes),
        }
    }
}

fn has_star_import(bytes: &[u8]) -> bool {
    memmem::find_iter(bytes, b"import").any(|at| {
        let rest = &bytes[at + 6..];
        let skipped = rest
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t' || b == b'(')
            .count();
        skipped > 0 && rest.get(skipped) == Some(&b'*')
    })
}

/// `pkg.mod.Base[T]` → `Base`; keyword arguments (`metaclass=M`) are not bases.
fn base_name(raw: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(raw);
    let s = s.trim();
    if s.is_empty() || s.contains('=') || s.starts_with('*') {
        return None;
    }
    let s = s.split('[').next().unwrap_or(s);
    let last = s.rsplit('.').next().unwrap_or(s).trim();
    (!last.is_empty()).then(|| last.to_string())
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn word_hash(word: &[u8]) -> u64 {
    // FNV-1a: collisions only cost a parse.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Sorted, deduplicated hashes of every identifier-like word in `bytes`.
fn word_set(bytes: &[u8]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if is_word_byte(bytes[i]) {
            let start = i;
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            if !bytes[start].is_ascii_digit() {
                out.push(word_hash(&bytes[start..i]));
            }
        } else {
            i += 1;
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Every Python file of one project, and what has been learnt about them.
/// Last components of the `multiprocessing` classes a process class derives from.
const PROCESS_BASES: &[&str] = &["Process", "BaseProcess"];

pub struct ProjectIndex {
    pub root: Option<ProjectRoot>,
    files: Vec<PathBuf>,
    ids: HashMap<PathBuf, FileId>,
    /// Dotted module name (every suffix form) → files importable under it.
    modules: HashMap<String, Vec<FileId>>,
    /// Base name → files with a header naming it.
    subclass_files: HashMap<String, Vec<FileId>>,
    star_importing: Vec<FileId>,
    /// Class names whose headers reach a base named `Process` or `BaseProcess` through other
    /// headers: only these can be `multiprocessing.Process` subclasses.
    process_like: HashSet<String>,
    words: OnceLock<Vec<Vec<u64>>>,
    facts: Mutex<HashMap<FileId, Option<Arc<FileFacts>>>>,
    occurrences: Mutex<OccurrenceCache>,
    class_uses: Mutex<ClassUseCache>,
}

impl ProjectIndex {
    /// No project: only the module itself is known.
    pub fn empty() -> ProjectIndex {
        ProjectIndex::new(None, Vec::new())
    }

    /// `files`: canonical paths with the headers their bytes hold.
    pub fn new(root: Option<ProjectRoot>, files: Vec<FileScan>) -> ProjectIndex {
        let mut subclass_files: HashMap<String, Vec<FileId>> = HashMap::new();
        let mut star_importing = Vec::new();
        let mut paths = Vec::with_capacity(files.len());
        let mut ids = HashMap::with_capacity(files.len());
        let mut modules: HashMap<String, Vec<FileId>> = HashMap::new();
        let mut derived: HashMap<String, Vec<String>> = HashMap::new();
        for (id, scanned) in files.into_iter().enumerate() {
            let FileScan {
                path,
                headers,
                star_import,
            } = scanned;
            if star_import {
                star_importing.push(id);
            }
            if let Some(r) = &root {
                for name in module_names(&r.path, &path) {
                    modules.entry(name).or_default().push(id);
                }
            }
            for h in headers {
                for b in h.bases {
                    derived.entry(b.clone()).or_default().push(h.name.clone());
                    let list = subclass_files.entry(b).or_default();
                    if list.last() != Some(&id) {
                        list.push(id);
                    }
                }
            }
            ids.insert(path.clone(), id);
            paths.push(path);
        }
        let mut process_like: HashSet<String> = HashSet::new();
        let mut todo: Vec<String> = PROCESS_BASES.iter().map(|s| s.to_string()).collect();
        while let Some(base) = todo.pop() {
            for class in derived.remove(&base).unwrap_or_default() {
                if process_like.insert(class.clone()) {
                    todo.push(class);
                }
            }
        }
        ProjectIndex {
            root,
            files: paths,
            ids,
            modules,
            subclass_files,
            star_importing,
            process_like,
            words: OnceLock::new(),
            facts: Mutex::new(HashMap::new()),
            occurrences: Mutex::new(HashMap::new()),
            class_uses: Mutex::new(HashMap::new()),
        }
    }

    /// Can a class whose bases end in `bases` derive from `multiprocessing.Process`, going by
    /// class headers alone? A cheap gate before the MRO, which parses base modules.
    pub fn may_derive_from_process<'b>(&self, mut bases: impl Iterator<Item = &'b str>) -> bool {
        bases.any(|b| PROCESS_BASES.contains(&b) || self.process_like.contains(b))
    }

    pub fn file_id(&self, canonical: &Path) -> Option<FileId> {
        self.ids.get(canonical).copied()
    }

    pub fn path(&self, id: FileId) -> &Path {
        &self.files[id]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn module_names_of(&self, path: &Path) -> Vec<String> {
        match &self.root {
            Some(r) => module_names(&r.path, path),
            None => Vec::new(),
        }
    }

    /// Files importable as `module` (any suffix form of their path).
    pub fn files_importable_as(&self, module: &str) -> &[FileId] {
        self.modules.get(module).map_or(&[], Vec::as_slice)
    }

    /// Files whose headers name `base` as a base class (by last dotted component).
    pub fn files_subclassing(&self, base: &str) -> &[FileId] {
        self.subclass_files.get(base).map_or(&[], Vec::as_slice)
    }

    fn words(&self) -> &Vec<Vec<u64>> {
        self.words.get_or_init(|| {
            self.files
                .par_iter()
                .map(|p| std::fs::read(p).map(|b| word_set(&b)).unwrap_or_default())
                .collect()
        })
    }

    /// Files that may contain `word` (a superset: hash collisions, comments, strings).
    /// A file that could not be read counts as containing it.
    pub fn files_with_word(&self, word: &str) -> Vec<FileId> {
        let h = word_hash(word.as_bytes());
        self.words()
            .iter()
            .enumerate()
            .filter(|(_, set)| set.is_empty() || set.binary_search(&h).is_ok())
            .map(|(id, _)| id)
            .collect()
    }

    /// Parsed facts about a file; `None` when it cannot be read or parsed.
    pub fn facts(&self, id: FileId) -> Option<Arc<FileFacts>> {
        self.cached(&self.facts, id, |module, path| {
            FileFacts::from_module(module, path, self.module_names_of(path))
        })
    }

    /// Every occurrence of `name` in file `id`; `None` when the file cannot be read or parsed
    /// (then nothing about it can be accounted for).
    pub fn occurrences(&self, id: FileId, name: &str) -> Option<Arc<Vec<Occurrence>>> {
        self.occurrences_among(id, name, &[])
    }

    /// `occurrences`, and when file `id` has to be parsed for it, the same for every name of
    /// `batch` too: the judge of one module asks about many names (every method, every
    /// class), and one parse of a large file costs more than all their answers.
    pub fn occurrences_among(
        &self,
        id: FileId,
        name: &str,
        batch: &[String],
    ) -> Option<Arc<Vec<Occurrence>>> {
        self.cached_among(&self.occurrences, id, name, batch, |module, n| {
            occurrences(module, n).as_ref().clone()
        })
    }

    /// Uses of class `name` in file `id` that may rebind its attributes or call its methods
    /// unbound; `None` when the file cannot be read or parsed.
    pub fn class_uses(&self, id: FileId, name: &str) -> Option<Arc<Vec<ClassUse>>> {
        self.class_uses_among(id, name, &[])
    }

    /// `class_uses`, batched as `occurrences_among` is.
    pub fn class_uses_among(
        &self,
        id: FileId,
        name: &str,
        batch: &[String],
    ) -> Option<Arc<Vec<ClassUse>>> {
        self.cached_among(&self.class_uses, id, name, batch, class_uses)
    }

    /// A per-(file, name) answer, computed for `name` and the not yet cached names of
    /// `batch` in one parse of the file.
    fn cached_among<T>(
        &self,
        cache: &Mutex<NameCache<T>>,
        id: FileId,
        name: &str,
        batch: &[String],
        compute: impl Fn(&Module, &str) -> T,
    ) -> Option<Arc<T>> {
        let lock = || cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = lock().get(&(id, name.to_string())) {
            return hit.clone();
        }
        let mut wanted: Vec<&str> = vec![name];
        {
            let known = lock();
            wanted.extend(
                batch
                    .iter()
                    .map(String::as_str)
                    .filter(|b| *b != name && !known.contains_key(&(id, b.to_string()))),
            );
        }
        wanted.sort_unstable();
        wanted.dedup();
        let answers: Vec<Option<Arc<T>>> = match self.with_module(id, |module, _| {
            wanted
                .iter()
                .map(|n| Some(Arc::new(compute(module, n))))
                .collect::<Vec<_>>()
        }) {
            Some(answers) => answers,
            None => wanted.iter().map(|_| None).collect(),
        };
        let mut known = lock();
        let mut found = None;
        for (n, answer) in wanted.iter().zip(answers) {
            if *n == name {
                found = answer.clone();
            }
            known.entry((id, n.to_string())).or_insert(answer);
        }
        found
    }

    /// What `compute` says about a file, parsed once per key; a file that cannot be read or
    /// parsed is remembered as `None` too, so it is not read again for every question.
    fn cached<K: std::hash::Hash + Eq + Clone + FileKey, T>(
        &self,
        cache: &Mutex<HashMap<K, Option<Arc<T>>>>,
        key: K,
        compute: impl FnOnce(&Module, &Path) -> T,
    ) -> Option<Arc<T>> {
        if let Some(hit) = cache.lock().ok()?.get(&key) {
            return hit.clone();
        }
        let computed = self.with_module(key.file(), compute).map(Arc::new);
        if let Ok(mut c) = cache.lock() {
            c.insert(key, computed.clone());
        }
        computed
    }

    fn with_module<T>(&self, id: FileId, f: impl FnOnce(&Module, &Path) -> T) -> Option<T> {
        let path = self.files.get(id)?;
        let bytes = std::fs::read(path).ok()?;
        let source = Source::decode(&bytes).ok()?;
        let tree = parse(&source.text)?;
        if first_error(&tree).is_some() {
            return None;
        }
        let module = Module::build(tree.root_node(), &source.text);
        Some(f(&module, path))
    }

    /// Every file (but `except`) that star-imports one of `modules`.
    pub fn star_importers(&self, modules: &[String], except: Option<FileId>) -> Vec<FileId> {
        let mut out = Vec::new();
        for &id in &self.star_importing {
            if Some(id) == except {
                continue;
            }
            let Some(facts) = self.facts(id) else {
                continue;
            };
            if facts.star_imports.iter().any(|s| {
                modules
                    .iter()
                    .any(|m| m == s || m.ends_with(&format!(".{s}")))
            }) {
                out.push(id);
            }
        }
        out
    }
}

/// Other files of the project that name `word` (as a word), with the first line it is on.
pub fn first_line_with(index: &ProjectIndex, id: FileId, word: &str) -> Option<usize> {
    let bytes = std::fs::read(index.path(id)).ok()?;
    let w = word.as_bytes();
    memmem::find_iter(&bytes, w)
        .find(|&at| {
            let before = at.checked_sub(1).map(|i| bytes[i]);
            let after = bytes.get(at + w.len()).copied();
            !before.is_some_and(is_word_byte) && !after.is_some_and(is_word_byte)
        })
        .map(|at| bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1)
}

/// Canonical form of a path, for comparing spellings of one file.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_headers() {
        let src = b"class Base(object):\n    pass\nclass Mid(pkg.Base, metaclass=M):\n    x = 1\nclass Leaf(\n    Mid,\n):\n    pass\nx = subclass (1)\nmyclass Foo:\n";
        let names: Vec<_> = scan(src).into_iter().map(|h| (h.name, h.bases)).collect();
        assert_eq!(
            names,
            vec![
                ("Base".to_string(), vec!["object".to_string()]),
                ("Mid".to_string(), vec!["Base".to_string()]),
                ("Leaf".to_string(), vec!["Mid".to_string()]),
            ]
        );
    }

    #[test]
    fn words_find_files() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.py");
        let b = dir.path().join("b.py");
        std::fs::write(&a, "x = W()._square(3)\n").unwrap();
        std::fs::write(&b, "y = '_squares'\n").unwrap();
        let scan = |p: &PathBuf| FileScan::of(p.clone(), &std::fs::read(p).unwrap());
        let index = ProjectIndex::new(None, vec![scan(&a), scan(&b)]);
        assert!(has_star_import(b"from x import *\n") && has_star_import(b"from x import (*"));
        assert!(!has_star_import(b"import os\nx = a * b\n"));
        assert_eq!(index.files_with_word("_square"), vec![0]);
        assert_eq!(index.files_with_word("_squares"), vec![1]);
        assert_eq!(first_line_with(&index, 0, "_square"), Some(1));
    }
}
