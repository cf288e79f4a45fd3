//! Classes across the project: base classes resolved through imports, subclasses found
//! anywhere in the project, and method resolution order (C3) over what the project defines.
//!
//! A `ProjectView` is the project index seen from the module being judged: that module's
//! facts come from its current text (it may already carry earlier fixes), every other
//! file's from disk.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::facts::{BaseExpr, ClassFacts, FileFacts, Occurrence};
use crate::index::{FileId, ProjectIndex};
use crate::render::display_path;

/// The module being judged, when the index does not list it (a file outside the project's
/// walk, e.g. one that .gitignore hides but the command line names).
pub const OWN: FileId = usize::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClassKey {
    pub file: FileId,
    pub class: usize,
}

/// One entry of a linearisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClassRef {
    Known(ClassKey),
    /// Defined outside the project (the standard library, an installed package).
    External(String),
    /// Cannot be resolved statically (`make_base()`, an ambiguous name).
    Unknown(String),
}

/// Where a module sits: its project's index and its own canonical path.
#[derive(Clone)]
pub struct AnalysisScope {
    pub index: Arc<ProjectIndex>,
    pub path: PathBuf,
}

impl AnalysisScope {
    /// A module alone: no other file is known.
    pub fn alone(path: &Path) -> AnalysisScope {
        AnalysisScope {
            index: Arc::new(ProjectIndex::empty()),
            path: path.to_path_buf(),
        }
    }

    /// The lazy questions the name picker asks about other files.
    pub fn external_names(&self, view: &ProjectView) -> crate::resolve::ExternalNames {
        let index = Arc::clone(&self.index);
        let own_id = view.own_id;
        let own_names = view.own.module_names.clone();
        let has_all = view.own.has_all;
        let used_index = Arc::clone(&index);
        let used_names = own_names.clone();
        crate::resolve::ExternalNames {
            // Another module can only reach a new name of ours by importing this module.
            used_elsewhere: Some(Arc::new(move |word: &str| {
                let names = &used_names;
                used_index.files_with_word(word).into_iter().any(|id| {
                    id != own_id
                        && used_index.facts(id).is_none_or(|f| f.imports_from(names))
                        && crate::index::first_line_with(&used_index, id, word).is_some()
                })
            })),
            star_exported: Some(Arc::new(move || {
                !has_all
                    && !own_names.is_empty()
                    && !index.star_importers(&own_names, Some(own_id)).is_empty()
            })),
        }
    }
}

pub struct ProjectView<'a> {
    pub index: &'a ProjectIndex,
    pub own_id: FileId,
    pub own: Arc<FileFacts>,
    computed_write_elsewhere: std::sync::OnceLock<Option<String>>,
    /// Names of this module's classes and of what their bodies bind: what judging it asks
    /// other files about, so one parse of another file answers all of them.
    asked: std::sync::OnceLock<(Vec<String>, Vec<String>)>,
}

impl<'a> ProjectView<'a> {
    pub fn new(index: &'a ProjectIndex, own_path: &Path, own: FileFacts) -> ProjectView<'a> {
        let own_id = index.file_id(own_path).unwrap_or(OWN);
        ProjectView {
            index,
            own_id,
            own: Arc::new(own),
            computed_write_elsewhere: std::sync::OnceLock::new(),
            asked: std::sync::OnceLock::new(),
        }
    }

    fn asked(&self) -> &(Vec<String>, Vec<String>) {
        self.asked.get_or_init(|| {
            let classes: Vec<String> = self.own.classes.iter().map(|c| c.name.clone()).collect();
            let mut members: Vec<String> = self
                .own
                .classes
                .iter()
                .flat_map(|c| c.defines.iter().cloned())
                .collect();
            members.sort_unstable();
            members.dedup();
            (classes, members)
        })
    }

    /// `ProjectIndex::class_uses` of another file, batched with this module's classes.
    pub fn class_uses(&self, id: FileId, class: &str) -> Option<Arc<Vec<crate::facts::ClassUse>>> {
        self.index.class_uses_among(id, class, &self.asked().0)
    }

    pub fn facts(&self, file: FileId) -> Option<Arc<FileFacts>> {
        if file == self.own_id {
            return Some(Arc::clone(&self.own));
        }
        self.index.facts(file)
    }

    pub fn class(&self, key: ClassKey) -> Option<(Arc<FileFacts>, usize)> {
        let f = self.facts(key.file)?;
        (key.class < f.classes.len()).then_some((f, key.class))
    }

    pub fn path(&self, file: FileId) -> PathBuf {
        if file == self.own_id {
            return self.own.path.clone();
        }
        self.index.path(file).to_path_buf()
    }

    /// `path:line` of a class, for messages.
    pub fn where_is(&self, key: ClassKey) -> String {
        match self.class(key) {
            Some((f, i)) => format!("{}:{}", display_path(&f.path), f.classes[i].line),
            None => "?".to_string(),
        }
    }

    pub fn name_of(&self, key: ClassKey) -> String {
        self.class(key)
            .map(|(f, i)| f.classes[i].name.clone())
            .unwrap_or_default()
    }

    /// What a base expression of a class in `file` denotes. Several answers when a dotted
    /// name matches more than one module of the project.
    pub fn resolve_base(&self, file: FileId, base: &BaseExpr) -> Vec<ClassRef> {
        match base {
            BaseExpr::Local(name) => match self.facts(file).and_then(|f| f.class_named(name)) {
                Some(class) => vec![ClassRef::Known(ClassKey { file, class })],
                None => vec![ClassRef::Unknown(name.clone())],
            },
            BaseExpr::Builtin(name) => vec![ClassRef::External(name.clone())],
            BaseExpr::Opaque(text) => vec![ClassRef::Unknown(text.clone())],
            BaseExpr::Qual(q) => self.resolve_qual(q, 0),
            BaseExpr::Star(name, modules) => {
                // From whichever star-imported project module defines it; else a builtin or
                // a library's name.
                let known: Vec<ClassRef> = modules
                    .iter()
                    .flat_map(|m| self.resolve_qual(&format!("{m}.{name}"), 0))
                    .filter(|r| !matches!(r, ClassRef::External(_)))
                    .collect();
                if known.is_empty() {
                    vec![ClassRef::External(name.clone())]
                } else {
                    known
                }
            }
        }
    }

    fn resolve_qual(&self, qual: &str, depth: u8) -> Vec<ClassRef> {
        let Some((module, name)) = qual.rsplit_once('.') else {
            return vec![ClassRef::External(qual.to_string())];
        };
        if depth > 6 {
            return vec![ClassRef::Unknown(qual.to_string())];
        }
        let files = self.files_named(module);
        if files.is_empty() {
            // `pkg.mod.Outer.Inner`: a nested class of a project module is not followed.
            if module.contains('.') && !self.files_named_prefix(module).is_empty() {
                return vec![ClassRef::Unknown(qual.to_string())];
            }
            return vec![ClassRef::External(qual.to_string())];
        }
        let mut out = Vec::new();
        for file in files {
            let Some(facts) = self.facts(file) else {
                out.push(ClassRef::Unknown(qual.to_string()));
                continue;
            };
            if let Some(class) = facts.class_named(name) {
                out.push(ClassRef::Known(ClassKey { file, class }));
            } else if let Some(target) = facts.imports.get(name) {
                out.extend(self.resolve_qual(target, depth + 1));
            } else {
                out.push(ClassRef::Unknown(qual.to_string()));
            }
        }
        out.dedup();
        out
    }

    /// Files importable as `module` (an exact match of the full path wins; else any suffix).
    fn files_named(&self, module: &str) -> Vec<FileId> {
        let mut candidates: Vec<(FileId, bool)> = Vec::new();
        let mut consider = |id: FileId, names: &[String]| {
            if names.iter().any(|n| n == module) {
                candidates.push((id, names.first().is_some_and(|n| n == module)));
            }
        };
        consider(self.own_id, &self.own.module_names);
        for &id in self.index.files_importable_as(module) {
            if id != self.own_id {
                consider(id, &self.index.module_names_of(self.index.path(id)));
            }
        }
        let any_exact = candidates.iter().any(|(_, exact)| *exact);
        candidates
            .into_iter()
            .filter(|(_, exact)| *exact || !any_exact)
            .map(|(id, _)| id)
            .collect()
    }

    fn files_named_prefix(&self, module: &str) -> Vec<FileId> {
        let mut parts: Vec<&str> = module.split('.').collect();
        while parts.len() > 1 {
            parts.pop();
            let m = parts.join(".");
            let f = self.files_named(&m);
            if !f.is_empty() {
                return f;
            }
        }
        Vec::new()
    }

    /// Every project class that has `target` among its ancestors, and the classes that may
    /// have it (a base picklefix cannot resolve, in a file that names an ancestor): the
    /// answer must over-approximate. A base that may or may not be `target` counts.
    pub fn descendants(&self, target: ClassKey) -> (Vec<ClassKey>, Vec<(ClassKey, String)>) {
        let mut found: Vec<ClassKey> = Vec::new();
        let mut maybe: Vec<(ClassKey, String)> = Vec::new();
        let mut queue = vec![target];
        let mut seen: HashSet<ClassKey> = HashSet::from([target]);
        while let Some(parent) = queue.pop() {
            let mut files: Vec<FileId> = Vec::new();
            let names = self.names_for(parent);
            for name in &names {
                files.extend_from_slice(self.index.files_subclassing(name));
                // `from m import Worker as W; class S(W)` names no `Worker` in its header.
                files.extend(self.index.files_with_word(name));
            }
            files.push(self.own_id);
            files.sort_unstable();
            files.dedup();
            for file in files {
                let Some(facts) = self.facts(file) else {
                    continue;
                };
                for (class, c) in facts.classes.iter().enumerate() {
                    if c.bases.is_empty() {
                        continue;
                    }
                    let key = ClassKey { file, class };
                    if seen.contains(&key) {
                        continue;
                    }
                    let resolved: Vec<Vec<ClassRef>> =
                        c.bases.iter().map(|b| self.resolve_base(file, b)).collect();
                    if resolved
                        .iter()
                        .flatten()
                        .any(|r| r == &ClassRef::Known(parent))
                    {
                        seen.insert(key);
                        found.push(key);
                        queue.push(key);
                    } else if let Some(ClassRef::Unknown(text)) =
                        resolved.iter().flatten().find(|r| {
                            // `six.with_metaclass(M, Worker)`: unresolvable, but it names it.
                            matches!(r, ClassRef::Unknown(t)
                                if names.iter().any(|n| crate::facts::contains_word(t, n)))
                        })
                    {
                        seen.insert(key);
                        maybe.push((key, text.clone()));
                    }
                }
            }
        }
        (found, maybe)
    }

    /// The names a class goes by across the project: its own and every `import … as` alias
    /// that resolves to it (`from .base import Worker as PublicWorker`).
    fn names_for(&self, key: ClassKey) -> Vec<String> {
        let own = self.name_of(key);
        let mut names = vec![own];
        let mut i = 0;
        while i < names.len() && names.len() < 16 {
            let name = names[i].clone();
            i += 1;
            for file in self.index.files_with_word(&name) {
                let Some(facts) = self.facts(file) else {
                    continue;
                };
                for (alias, target) in &facts.imports {
                    let last = target.rsplit('.').next().unwrap_or(target);
                    if last == name
                        && !names.contains(alias)
                        && self
                            .resolve_qual(target, 0)
                            .iter()
                            .any(|r| r == &ClassRef::Known(key))
                    {
                        names.push(alias.clone());
                    }
                }
            }
        }
        names
    }

    /// C3 linearisation of `key` (itself first). External and unknown classes are opaque:
    /// they appear once, their own ancestors unseen.
    pub fn mro(&self, key: ClassKey) -> Result<Vec<ClassRef>, String> {
        self.mro_inner(key, &mut Vec::new())
    }

    fn mro_inner(&self, key: ClassKey, stack: &mut Vec<ClassKey>) -> Result<Vec<ClassRef>, String> {
        if stack.contains(&key) || stack.len() > 64 {
            return Err(format!(
                "the bases of `{}` ({}) form a cycle",
                self.name_of(key),
                self.where_is(key)
            ));
        }
        let (facts, i) = self
            .class(key)
            .ok_or_else(|| "a class could not be read".to_string())?;
        let class: &ClassFacts = &facts.classes[i];
        stack.push(key);
        let mut sequences: Vec<Vec<ClassRef>> = Vec::new();
        let mut direct: Vec<ClassRef> = Vec::new();
        for b in &class.bases {
            let resolved = self.resolve_base(key.file, b);
            let base = match resolved.as_slice() {
                [one] => one.clone(),
                _ => ClassRef::Unknown(format!("{b:?}")),
            };
            let seq = match &base {
                ClassRef::Known(k) => self.mro_inner(*k, stack)?,
                other => vec![other.clone()],
            };
            sequences.push(seq);
            direct.push(base);
        }
        stack.pop();
        sequences.push(direct);
        let mut out = vec![ClassRef::Known(key)];
        out.extend(c3_merge(sequences).ok_or_else(|| {
            format!(
                "the bases of `{}` ({}) have no consistent method resolution order",
                class.name,
                self.where_is(key)
            )
        })?);
        Ok(out)
    }

    /// Occurrences of `name` in every project file but the module being judged: whether
    /// there is any, and the first that could rebind it on an instance (with its file).
    /// `Err` names a file that mentions it but could not be parsed.
    /// Other files' occurrences of `name`: whether there are any, and the first that could
    /// rebind it on an instance (with `keys_rebind`, a string or keyword that can carry the
    /// name into a computed-name attribute write counts as one).
    pub fn occurrences_elsewhere(
        &self,
        name: &str,
        keys_rebind: bool,
    ) -> Result<(bool, Option<(PathBuf, Occurrence)>), String> {
        let mut any = false;
        for id in self.index.files_with_word(name) {
            if id == self.own_id {
                continue;
            }
            match self.index.occurrences_among(id, name, &self.asked().1) {
                Some(list) => {
                    any |= !list.is_empty();
                    let rebinds =
                        |o: &&Occurrence| o.kind.rebinds() || (keys_rebind && o.kind.names_a_key());
                    if let Some(o) = list.iter().find(rebinds) {
                        return Ok((true, Some((self.path(id), o.clone()))));
                    }
                }
                None => {
                    if crate::index::first_line_with(self.index, id, name).is_some() {
                        return Err(format!(
                            "{} mentions `{name}` but could not be parsed",
                            display_path(&self.path(id))
                        ));
                    }
                }
            }
        }
        Ok((any, None))
    }
}

/// Names through which code writes attributes whose names are data: `setattr(obj, k, v)`,
/// `obj.__dict__[k] = v`, `vars(obj).update(d)`, `object.__setattr__(obj, k, v)`.
pub const COMPUTED_WRITES: &[&str] = &["setattr", "__setattr__", "__dict__", "vars"];

impl ProjectView<'_> {
    /// `path:line` of the first place in the project (this module as it is now, the others as
    /// on disk) that can write an attribute by a computed name.
    pub fn computed_attribute_write(&self, module: &crate::resolve::Module) -> Option<String> {
        if let Some(line) = module.index().first_computed_write() {
            return Some(format!("{}:{line}", display_path(&self.own.path)));
        }
        // The other files do not change while this view lives: look them up once.
        self.computed_write_elsewhere
            .get_or_init(|| {
                COMPUTED_WRITES.iter().find_map(|word| {
                    self.word_elsewhere(word)
                        .map(|(path, line)| format!("{}:{line}", display_path(&path)))
                })
            })
            .clone()
    }

    /// The first other file that has `word` as a word, with the line.
    fn word_elsewhere(&self, word: &str) -> Option<(PathBuf, usize)> {
        self.index
            .files_with_word(word)
            .into_iter()
            .filter(|&id| id != self.own_id)
            .find_map(|id| {
                crate::index::first_line_with(self.index, id, word).map(|l| (self.path(id), l))
            })
    }
}

/// C3 merge; `None` when no consistent order exists.
fn c3_merge(mut seqs: Vec<Vec<ClassRef>>) -> Option<Vec<ClassRef>> {
    let mut out = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Some(out);
        }
        let head = seqs
            .iter()
            .map(|s| &s[0])
            .find(|h| !seqs.iter().any(|s| s[1..].contains(h)))?
            .clone();
        for s in seqs.iter_mut() {
            if s.first() == Some(&head) {
                s.remove(0);
            }
        }
        out.push(head);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c3_orders_diamonds() {
        let k = |n: &str| ClassRef::External(n.to_string());
        // class D(B, C); B(A); C(A)
        let merged = c3_merge(vec![
            vec![k("B"), k("A")],
            vec![k("C"), k("A")],
            vec![k("B"), k("C")],
        ])
        .unwrap();
        assert_eq!(merged, vec![k("B"), k("C"), k("A")]);
        assert!(c3_merge(vec![vec![k("A"), k("B")], vec![k("B"), k("A")]]).is_none());
    }
}
