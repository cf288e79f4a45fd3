//! Which class each `x.name` load reaches, for one attribute name: `self.name` inside a
//! method, `cls.name` inside a classmethod, `Class.name`, `obj.name` with `obj = Class()`.
//! The hoist planner asks this for every fix; computed once per name and module, so n
//! hoists that share a method name (`work` in every class of a generated module) cost n
//! times their own references, not n times all of them.

use std::collections::HashMap;

use tree_sitter::Node;

use crate::judge::instance_class;
use crate::parse::strip_parens;
use crate::resolve::{Binding, BindingValue, ClassId, Module, ScopeId};

/// One `x.name` node and the classes its receiver `x` may stand for.
#[derive(Debug, Clone, Copy)]
pub struct Receiver {
    /// Index into `Module::attributes`.
    pub attribute: usize,
    /// `x` is the instance parameter of a method of this class.
    pub self_of: Option<ClassId>,
    /// `x` names this class.
    pub class_of: Option<ClassId>,
    /// `x` is the `cls` parameter of a classmethod of this class.
    pub cls_of: Option<ClassId>,
    /// `x` was assigned `Class(...)` of this class.
    pub instance_of: Option<ClassId>,
    /// The node is the callee of a call (`x.name(...)`).
    pub called: bool,
}

impl Receiver {
    pub fn reaches(&self, class: ClassId) -> bool {
        [self.self_of, self.class_of, self.cls_of, self.instance_of].contains(&Some(class))
    }
}

/// The receivers of every `x.name` load of one name, in source order.
#[derive(Debug, Default)]
pub struct Receivers {
    pub all: Vec<Receiver>,
    /// Indexes into `all` of the receivers that may reach each class.
    by_class: HashMap<ClassId, Vec<usize>>,
}

impl Receivers {
    pub fn compute(module: &Module, name: &str) -> Receivers {
        let mut named: Vec<usize> = module.index().attribute_indexes(name).to_vec();
        named.sort_by_key(|&i| module.attributes[i].0.start_byte());
        named.dedup();
        let mut out = Receivers::default();
        for i in named {
            let (attr, scope) = module.attributes[i];
            let (Some(obj), Some(_)) = (
                attr.child_by_field_name("object"),
                attr.child_by_field_name("attribute"),
            ) else {
                continue;
            };
            let r = classify(module, i, attr, strip_parens(obj), scope);
            for class in [r.self_of, r.class_of, r.cls_of, r.instance_of]
                .into_iter()
                .flatten()
            {
                let slot = out.by_class.entry(class).or_default();
                if slot.last() != Some(&out.all.len()) {
                    slot.push(out.all.len());
                }
            }
            out.all.push(r);
        }
        out
    }

    /// The receivers that may reach `class`, in source order.
    pub fn reaching(&self, class: ClassId) -> impl Iterator<Item = &Receiver> + '_ {
        self.by_class
            .get(&class)
            .into_iter()
            .flatten()
            .map(|&i| &self.all[i])
    }
}

fn classify(module: &Module, attribute: usize, attr: Node, obj: Node, scope: ScopeId) -> Receiver {
    let called = attr.parent().is_some_and(|p| {
        p.kind() == "call"
            && p.child_by_field_name("function")
                .is_some_and(|f| f.id() == attr.id())
    });
    let mut r = Receiver {
        attribute,
        self_of: None,
        class_of: None,
        cls_of: None,
        instance_of: None,
        called,
    };
    if obj.kind() != "identifier" {
        return r;
    }
    let o = module.text(obj);
    r.self_of = module
        .method_context(scope)
        .and_then(|(c, self_name)| (self_name == o).then_some(c));
    let binding = module.lookup(scope, o, obj.start_byte()).map(|(_, b)| b);
    r.class_of = match binding {
        Some(Binding {
            value: BindingValue::Class(c),
            ..
        }) => Some(*c),
        _ => None,
    };
    r.cls_of = module.cls_context(scope, o);
    r.instance_of = match binding {
        Some(Binding {
            value: BindingValue::Value(v),
            ..
        }) => instance_class(module, *v, scope),
        _ => None,
    };
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn receivers_by_class() {
        let src = "class A:\n    def m(self):\n        return self.m()\n    @classmethod\n    def c(cls):\n        return cls.m\nclass B:\n    def n(self):\n        a = A()\n        return a.m, A.m, self.m, x.m\n";
        let tree = parse(src).unwrap();
        let m = Module::build(tree.root_node(), src);
        let r = Receivers::compute(&m, "m");
        assert_eq!(r.all.len(), 6);
        let a = m.classes.iter().position(|c| c.name == "A").unwrap();
        let b = m.classes.iter().position(|c| c.name == "B").unwrap();
        let rows: Vec<usize> = r
            .reaching(a)
            .map(|x| m.attributes[x.attribute].0.start_position().row)
            .collect();
        assert_eq!(rows, vec![2, 5, 9, 9]);
        assert_eq!(r.reaching(b).count(), 1, "self.m inside B");
        assert!(r.all[0].called && !r.all[1].called);
    }
}
