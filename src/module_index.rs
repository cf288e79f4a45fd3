//! Facts about one parsed module that every planned fix asks for, computed once per
//! analysis rather than once per fix: line starts, the attribute loads by name, and the
//! occurrences of a name (cached per name). With them, planning n fixes on one module
//! costs about n times one fix, not n times the module.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tree_sitter::Node;

use crate::facts::Occurrence;
use crate::receivers::Receivers;
use crate::resolve::{Module, ScopeId};

#[derive(Default)]
pub struct ModuleIndex {
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// Indexes into `Module::attributes`, by attribute name.
    attributes: HashMap<String, Vec<usize>>,
    /// Indexes into `Module::identifiers`, by name.
    identifiers: HashMap<String, Vec<usize>>,
    /// Indexes into `Module::identifiers`, sorted by start byte (for range queries).
    identifiers_by_start: Vec<usize>,
    occurrences: Mutex<HashMap<String, Arc<Vec<Occurrence>>>>,
    /// Scopes binding each name, in scope order.
    scopes_binding: HashMap<String, Vec<ScopeId>>,
    /// Indexes into `Module::strings` of the literals holding each word (a maximal run of
    /// identifier characters of the literal's text, or its whole value).
    string_words: HashMap<String, Vec<usize>>,
    /// Lines of `name=` keyword arguments, by name, in walk order of the calls.
    keyword_lines: HashMap<String, Vec<usize>>,
    receivers: Mutex<HashMap<String, Arc<Receivers>>>,
    /// Indexes into `Module::calls` of `setattr`, `delattr`, `….object`, `….pickle` and
    /// `type` calls: the only ones that can rebind a class's attributes.
    rebinding_calls: Vec<usize>,
    /// Indexes into `Module::calls` of `obj.m(…)`, by the last dotted part of `obj`.
    calls_on: HashMap<String, Vec<usize>>,
    /// Indexes into `Module::strings` of the literals whose text holds a `.`.
    dotted_strings: Vec<usize>,
    /// Indexes into `Module::calls` of calls to a bare name (`getattr(…)`), by that name.
    calls_to: HashMap<String, Vec<usize>>,
    /// Line of the first identifier or attribute name that can write an attribute by a
    /// computed name (`hierarchy::COMPUTED_WRITES`).
    first_computed_write: Option<usize>,
}

impl ModuleIndex {
    pub fn build(module: &Module) -> ModuleIndex {
        let src = module.src.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', src).map(|i| i + 1));
        let mut attributes: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (attr, _)) in module.attributes.iter().enumerate() {
            if let Some(name) = attr.child_by_field_name("attribute") {
                attributes
                    .entry(module.text(name).to_string())
                    .or_default()
                    .push(i);
            }
        }
        let mut identifiers: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (ident, _)) in module.identifiers.iter().enumerate() {
            identifiers
                .entry(module.text(*ident).to_string())
                .or_default()
                .push(i);
        }
        let mut identifiers_by_start: Vec<usize> = (0..module.identifiers.len()).collect();
        identifiers_by_start.sort_by_key(|&i| module.identifiers[i].0.start_byte());
        let mut scopes_binding: HashMap<String, Vec<ScopeId>> = HashMap::new();
        for (id, scope) in module.scopes.iter().enumerate() {
            for b in &scope.bindings {
                let scopes = scopes_binding.entry(b.name.clone()).or_default();
                if scopes.last() != Some(&id) {
                    scopes.push(id);
                }
            }
        }
        let mut string_words: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in module.strings.iter().enumerate() {
            let text = crate::facts::literal_text(module, *s);
            let mut words: Vec<&str> = words_of(&text).collect();
            if let Some(value) = crate::parse::string_value(*s, module.src) {
                words.push(value);
            }
            words.sort_unstable();
            words.dedup();
            for w in words {
                string_words.entry(w.to_string()).or_default().push(i);
            }
        }
        let mut keyword_lines: HashMap<String, Vec<usize>> = HashMap::new();
        for (call, _) in &module.calls {
            let Some(args) = call.child_by_field_name("arguments") else {
                continue;
            };
            for arg in crate::parse::named_children(args) {
                if arg.kind() != "keyword_argument" {
                    continue;
                }
                if let Some(n) = arg.child_by_field_name("name") {
                    keyword_lines
                        .entry(module.text(n).to_string())
                        .or_default()
                        .push(arg.start_position().row + 1);
                }
            }
        }
        let mut rebinding_calls = Vec::new();
        let mut calls_on: HashMap<String, Vec<usize>> = HashMap::new();
        let mut calls_to: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (call, _)) in module.calls.iter().enumerate() {
            let Some(f) = call.child_by_field_name("function") else {
                continue;
            };
            let callee = module.text(f);
            if f.kind() == "identifier" {
                calls_to.entry(callee.to_string()).or_default().push(i);
            }
            if matches!(
                callee.rsplit('.').next().unwrap_or(callee),
                "setattr" | "delattr" | "object" | "pickle" | "type"
            ) {
                rebinding_calls.push(i);
            }
            if f.kind() == "attribute" {
                if let Some(obj) = f.child_by_field_name("object") {
                    let t = module.text(crate::parse::strip_parens(obj));
                    let last = t.rsplit('.').next().unwrap_or(t);
                    calls_on.entry(last.to_string()).or_default().push(i);
                }
            }
        }
        let dotted_strings = module
            .strings
            .iter()
            .enumerate()
            .filter(|(_, s)| module.text(**s).contains('.'))
            .map(|(i, _)| i)
            .collect();
        let attribute_names = module
            .attributes
            .iter()
            .filter_map(|(a, _)| a.child_by_field_name("attribute"));
        let first_computed_write = module
            .identifiers
            .iter()
            .map(|(n, _)| *n)
            .chain(attribute_names)
            .filter(|n| crate::hierarchy::COMPUTED_WRITES.contains(&module.text(*n)))
            .map(|n| n.start_position().row + 1)
            .min();
        ModuleIndex {
            first_computed_write,
            line_starts,
            attributes,
            identifiers,
            identifiers_by_start,
            occurrences: Mutex::new(HashMap::new()),
            scopes_binding,
            string_words,
            keyword_lines,
            receivers: Mutex::new(HashMap::new()),
            rebinding_calls,
            calls_on,
            dotted_strings,
            calls_to,
        }
    }

    /// See `first_computed_write`.
    pub fn first_computed_write(&self) -> Option<usize> {
        self.first_computed_write
    }

    /// The 1-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    /// The cached occurrences of `name`, computed by `compute` the first time.
    pub fn occurrences(
        &self,
        name: &str,
        compute: impl FnOnce() -> Vec<Occurrence>,
    ) -> Arc<Vec<Occurrence>> {
        if let Some(hit) = self.lock().get(name) {
            return Arc::clone(hit);
        }
        let found = Arc::new(compute());
        self.lock().insert(name.to_string(), Arc::clone(&found));
        found
    }

    /// The scopes that bind `name`, in scope order.
    pub fn scopes_binding(&self, name: &str) -> &[ScopeId] {
        self.scopes_binding.get(name).map_or(&[], Vec::as_slice)
    }

    /// Lines of the `name=` keyword arguments, in walk order of the calls.
    pub fn keyword_lines(&self, name: &str) -> &[usize] {
        self.keyword_lines.get(name).map_or(&[], Vec::as_slice)
    }

    /// Indexes into `Module::attributes` of the `x.name` nodes, in walk order.
    pub fn attribute_indexes(&self, name: &str) -> &[usize] {
        self.attributes.get(name).map_or(&[], Vec::as_slice)
    }

    /// The calls that can be a use of class `name` (`ClassUse`), in source order.
    pub fn calls_maybe_using(&self, name: &str) -> Vec<usize> {
        let mut calls = self.rebinding_calls.clone();
        calls.extend(self.calls_on.get(name).into_iter().flatten());
        calls.sort_unstable();
        calls.dedup();
        calls
    }

    /// Calls to any of the bare `names`, in source order.
    pub fn calls_to(&self, names: &[&str]) -> Vec<usize> {
        let mut calls: Vec<usize> = names
            .iter()
            .flat_map(|n| self.calls_to.get(*n).into_iter().flatten().copied())
            .collect();
        calls.sort_unstable();
        calls
    }

    /// Indexes into `Module::strings` of the literals whose source text holds a `.`.
    pub fn dotted_strings(&self) -> &[usize] {
        &self.dotted_strings
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Vec<Occurrence>>>> {
        self.occurrences.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl<'t> Module<'t> {
    /// `x.name` attribute nodes (with their scopes) for one `name`, in source order.
    pub fn attributes_named<'a>(
        &'a self,
        name: &str,
    ) -> impl Iterator<Item = (Node<'t>, ScopeId)> + 'a {
        self.index()
            .attributes
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| self.attributes[i])
    }

    /// The receivers of every `x.name` load (`receivers`), computed once per name.
    pub fn receivers(&self, name: &str) -> Arc<Receivers> {
        let cache = &self.index().receivers;
        let lock = || cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = lock().get(name) {
            return Arc::clone(hit);
        }
        let found = Arc::new(Receivers::compute(self, name));
        lock().insert(name.to_string(), Arc::clone(&found));
        found
    }

    /// String literals that may hold `name` as a word (`facts::contains_word`), in walk
    /// order. For a `name` that is not a single word, every literal.
    pub fn strings_with_word(&self, name: &str) -> Vec<Node<'t>> {
        if words_of(name).ne(std::iter::once(name)) {
            return self.strings.clone();
        }
        self.index()
            .string_words
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| self.strings[i])
            .collect()
    }

    /// Identifier nodes (with their scopes) spelled `name`, in walk order.
    pub fn identifiers_named<'a>(
        &'a self,
        name: &str,
    ) -> impl Iterator<Item = (Node<'t>, ScopeId)> + 'a {
        self.index()
            .identifiers
            .get(name)
            .into_iter()
            .flatten()
            .map(|&i| self.identifiers[i])
    }

    /// Identifier nodes (with their scopes) that start inside `range`, in walk order (as
    /// a scan of `Module::identifiers` would see them).
    pub fn identifiers_in(&self, range: std::ops::Range<usize>) -> Vec<(Node<'t>, ScopeId)> {
        let by_start = &self.index().identifiers_by_start;
        let start = |i: &usize| self.identifiers[*i].0.start_byte();
        let lo = by_start.partition_point(|i| start(i) < range.start);
        let hi = by_start.partition_point(|i| start(i) < range.end);
        let mut hits: Vec<usize> = by_start[lo..hi].to_vec();
        hits.sort_unstable();
        hits.into_iter().map(|i| self.identifiers[i]).collect()
    }
}

/// Maximal runs of identifier characters (as `facts::contains_word` sees word edges).
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn lines_and_attributes_by_name() {
        let src = "a.x = 1\nb.y\nc.x\n";
        let tree = parse(src).unwrap();
        let m = Module::build(tree.root_node(), src);
        assert_eq!(m.index().line_of(0), 1);
        assert_eq!(m.index().line_of(8), 2);
        assert_eq!(m.index().line_of(src.len()), 4);
        let rows: Vec<usize> = m
            .attributes_named("x")
            .map(|(n, _)| n.start_position().row)
            .collect();
        assert_eq!(rows, vec![0, 2]);
        assert_eq!(m.attributes_named("z").count(), 0);
    }
}
