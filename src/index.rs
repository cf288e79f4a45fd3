//! Cross-file override detection without parsing every file.
//!
//! While files are read, a byte scan records every `class Name(Base, …):` header: name,
//! base names (last dotted component) and where it is. Only when a hoist is judged does a
//! query walk the subclasses of that class (transitively, by name) and scan just those
//! class bodies for a `def method` or `method = …`. Names are matched loosely (a class of
//! the same name elsewhere counts): a false "overridden" costs a fix, never correctness.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use memchr::memmem;

use crate::judge::Overrides;

#[derive(Debug, Clone)]
pub struct Header {
    pub name: String,
    pub bases: Vec<String>,
    pub path: Arc<PathBuf>,
    /// Byte offset of the `class` keyword.
    pub offset: usize,
}

/// Scan `bytes` for class headers.
pub fn scan(bytes: &[u8], path: &Arc<PathBuf>) -> Vec<Header> {
    let mut out = Vec::new();
    for at in memmem::find_iter(bytes, b"class") {
        // At the start of a line, after indentation only.
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
        while bytes
            .get(i)
            .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        {
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
            let mut j = i;
            while j < limit {
                let b = bytes[j];
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
                j += 1;
            }
        }
        out.push(Header {
            name,
            bases,
            path: Arc::clone(path),
            offset: at,
        });
    }
    out
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

/// Does the class body starting at the header `offset` define `method`?
fn body_defines(bytes: &[u8], offset: usize, method: &str) -> bool {
    let text = String::from_utf8_lossy(&bytes[offset..]);
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return false;
    };
    let class_indent = indent_of(header);
    // Skip the rest of a multi-line header (bases spanning lines).
    let mut in_header = !header.trim_end().ends_with(':') && header.contains('(');
    for line in lines {
        let trimmed = line.trim_start();
        if in_header {
            if trimmed.trim_end().ends_with(':') {
                in_header = false;
            }
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent_of(line) <= class_indent {
            return false;
        }
        let rest = trimmed.strip_prefix("async ").unwrap_or(trimmed);
        if let Some(after) = rest.strip_prefix("def ") {
            if after.trim_start().starts_with(method)
                && after.trim_start()[method.len()..]
                    .trim_start()
                    .starts_with('(')
            {
                return true;
            }
        }
        if let Some(after) = trimmed.strip_prefix(method) {
            let after = after.trim_start();
            if (after.starts_with('=') && !after.starts_with("==")) || after.starts_with(':') {
                return true;
            }
        }
    }
    false
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Every class header of the run, by base name.
#[derive(Default)]
pub struct ClassIndex {
    subclasses: HashMap<String, Vec<Header>>,
    files: Mutex<HashMap<PathBuf, Arc<Vec<u8>>>>,
}

impl ClassIndex {
    pub fn new(headers: impl IntoIterator<Item = Header>) -> ClassIndex {
        let mut subclasses: HashMap<String, Vec<Header>> = HashMap::new();
        for h in headers {
            for b in &h.bases {
                subclasses.entry(b.clone()).or_default().push(h.clone());
            }
        }
        ClassIndex {
            subclasses,
            files: Mutex::new(HashMap::new()),
        }
    }

    /// Use `bytes` as the content of `path`: a buffer that is not on disk (stdin, an
    /// editor's unsaved text), whose headers were scanned from the same bytes.
    pub fn preload(&self, path: &Path, bytes: Vec<u8>) {
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_path_buf(), Arc::new(bytes));
        }
    }

    fn bytes_of(&self, path: &Path) -> Option<Arc<Vec<u8>>> {
        let mut files = self.files.lock().ok()?;
        if let Some(b) = files.get(path) {
            return Some(Arc::clone(b));
        }
        let bytes = Arc::new(std::fs::read(path).ok()?);
        files.insert(path.to_path_buf(), Arc::clone(&bytes));
        Some(bytes)
    }
}

impl Overrides for ClassIndex {
    fn overridden_by(&self, class: &str, method: &str) -> Option<String> {
        let mut queue = vec![class.to_string()];
        let mut seen = HashSet::new();
        while let Some(name) = queue.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            for h in self.subclasses.get(&name).into_iter().flatten() {
                let Some(bytes) = self.bytes_of(&h.path) else {
                    // Unreadable now: assume the worst.
                    return Some(format!("`{}` in {}", h.name, h.path.display()));
                };
                if body_defines(&bytes, h.offset, method) {
                    let line = bytes[..h.offset.min(bytes.len())]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count()
                        + 1;
                    return Some(format!("`{}` ({}:{line})", h.name, h.path.display()));
                }
                queue.push(h.name.clone());
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_headers_and_finds_overrides() {
        let a = Arc::new(PathBuf::from("a.py"));
        let src = b"class Base(object):\n    def work(self):\n        pass\n\nclass Mid(pkg.Base, metaclass=M):\n    x = 1\n\nclass Leaf(\n    Mid,\n):\n    def work(self):\n        return 2\n";
        let headers = scan(src, &a);
        let names: Vec<_> = headers
            .iter()
            .map(|h| (h.name.as_str(), h.bases.clone()))
            .collect();
        assert_eq!(names[0], ("Base", vec!["object".to_string()]));
        assert_eq!(names[1], ("Mid", vec!["Base".to_string()]));
        assert_eq!(names[2], ("Leaf", vec!["Mid".to_string()]));
        assert!(body_defines(src, headers[2].offset, "work"));
        assert!(!body_defines(src, headers[1].offset, "work"));
        assert!(body_defines(src, headers[1].offset, "x"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, src).unwrap();
        let p = Arc::new(path);
        let index = ClassIndex::new(scan(src, &p));
        assert!(index
            .overridden_by("Base", "work")
            .unwrap()
            .contains("Leaf"));
        assert!(index.overridden_by("Base", "other").is_none());
        assert!(index.overridden_by("Leaf", "work").is_none());
    }

    #[test]
    fn ignores_class_inside_words() {
        let p = Arc::new(PathBuf::from("x.py"));
        assert!(scan(b"x = subclass (1)\nmyclass Foo:\n", &p).is_empty());
    }
}
