//! Facts about one parsed module that every planned fix asks for, computed once per
//! analysis rather than once per fix: line starts, the attribute loads by name, and the
//! occurrences of a name (cached per name). With them, planning n fixes on one module
//! costs about n times one fix, not n times the module.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tree_sitter::Node;

use crate::facts::Occurrence;
use crate::resolve::{Module, ScopeId};

#[derive(Default)]
pub struct ModuleIndex {
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// Indexes into `Module::attributes`, by attribute name.
    attributes: HashMap<String, Vec<usize>>,
    occurrences: Mutex<HashMap<String, Arc<Vec<Occurrence>>>>,
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
        ModuleIndex {
            line_starts,
            attributes,
            occurrences: Mutex::new(HashMap::new()),
        }
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
