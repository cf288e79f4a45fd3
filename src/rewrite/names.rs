//! Choosing a module-level name that collides with nothing.
//!
//! A name is taken when the module binds it anywhere (imports at the bottom and `global`
//! declarations included), when any code uses it as a global or builtin (`filter`), when a
//! function where we reroute a reference has it as a local (it would capture the call),
//! or when an earlier hoist of the same fix took it. A star import could bind anything, so
//! then only the `_<Class>_<method>` form is used.

use std::collections::HashSet;

use crate::resolve::{Module, ScopeId, ScopeKind};

pub struct NamePicker<'m> {
    /// Names this fix itself may not use beyond the module's (locals where it reroutes).
    own: HashSet<String>,
    star_import: bool,
    module: &'m Module<'m>,
}

/// pytest collects module-level `test*` functions and `Test*` classes: a new name must not
/// turn a helper into a test.
fn collected_by_pytest(name: &str) -> bool {
    name.starts_with("test") || name.starts_with("Test")
}

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type", "_",
];

impl<'m> NamePicker<'m> {
    /// The module's names are computed once per analysis (`Module::names_in_use`), so a
    /// picker costs nothing per fix; names other fixes of the same analysis picked are
    /// avoided too, so all of them can go in one pass.
    pub fn new(module: &'m Module<'m>) -> NamePicker<'m> {
        // A public name would join `from this_module import *` in another file.
        let star_exported = module.external.star_exported.as_ref().is_some_and(|f| f());
        NamePicker {
            own: HashSet::new(),
            star_import: module.star_import || star_exported,
            module,
        }
    }

    /// `owner` names what the new name is for (`Class.method`): two plans of the same
    /// move (two findings of one method) pick the same name and so share one fix.
    fn is_taken(&self, name: &str, owner: Option<&str>) -> bool {
        self.own.contains(name) || self.taken_in_module(name, owner)
    }

    /// Taken for every picker of this analysis, not only this one (`own`): claims only
    /// grow, so a name taken this way stays taken.
    fn taken_in_module(&self, name: &str, owner: Option<&str>) -> bool {
        self.module.names_in_use().contains(name)
            || KEYWORDS.contains(&name)
            || self.module.claimed_by_other(name, owner)
            || collected_by_pytest(name)
            || self
                .module
                .external
                .used_elsewhere
                .as_ref()
                .is_some_and(|f| f(name))
    }

    /// Locals of the function holding `scope` and of every function around it.
    pub fn avoid_locals_of(&mut self, mut scope: ScopeId) {
        loop {
            let sc = &self.module.scopes[scope];
            if matches!(sc.kind, ScopeKind::Function | ScopeKind::Lambda) {
                let locals: Vec<String> = self
                    .module
                    .locals(scope)
                    .into_iter()
                    .map(String::from)
                    .collect();
                self.own.extend(locals);
            }
            match sc.parent {
                Some(p) => scope = p,
                None => break,
            }
        }
    }

    pub fn reserve(&mut self, name: &str) {
        self.own.insert(name.to_string());
    }

    /// `base` if free, else `base_2`, `base_3`… The module remembers how far the run of
    /// taken candidates goes (`Module::free_suffix`): n lifts picking `_lambda` cost n, not
    /// 1 + 2 + … + n tries.
    pub fn pick_free(&mut self, base: &str) -> String {
        let spelled = |n: usize| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}_{n}")
            }
        };
        let mut n = self.module.free_suffix(base);
        let mut unbroken = true;
        let candidate = loop {
            let candidate = spelled(n);
            let public_under_star = self.star_import && n == 1 && !base.starts_with('_');
            let taken = public_under_star || self.taken_in_module(&candidate, None);
            if taken && unbroken {
                self.module.set_free_suffix(base, n + 1);
            }
            if !taken && !self.own.contains(&candidate) {
                break candidate;
            }
            unbroken &= taken;
            n += 1;
        };
        self.reserve(&candidate);
        self.module.claim(&candidate, None);
        candidate
    }

    /// `_method` (a public method gets a leading underscore) if free, else
    /// `_<Class>_<method>`, else with a numeric suffix. New names are private: a public
    /// module-level name would change `dir(module)`, `import *`, `inspect.getmembers` and
    /// the docs, which a safe fix must not.
    pub fn pick(&mut self, method: &str, class: &str) -> String {
        let owner = format!("{class}.{method}");
        let owner = Some(owner.as_str());
        // `__m` at module level would be mangled when code inside a class names it.
        let plain_ok = !method.starts_with("__") && !self.star_import;
        let plain = if method.starts_with('_') {
            method.to_string()
        } else {
            format!("_{method}")
        };
        let name = if plain_ok && !self.is_taken(&plain, owner) {
            plain
        } else {
            let base = format!(
                "_{}_{}",
                class.trim_start_matches('_'),
                method.trim_start_matches('_')
            );
            let mut candidate = base.clone();
            let mut n = 2;
            while self.is_taken(&candidate, owner) {
                candidate = format!("{base}_{n}");
                n += 1;
            }
            candidate
        };
        self.reserve(&name);
        self.module.claim(&name, owner);
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn picks_free_names_and_avoids_collisions() {
        let src = "import os\nclass C:\n    def work(self):\n        return filter(None, [])\n\ndef _work():\n    pass\n\n_filter = _os = 1\n";
        let tree = parse(src).unwrap();
        let m = Module::build(tree.root_node(), src);
        let mut p = NamePicker::new(&m);
        assert_eq!(p.pick("work", "C"), "_C_work");
        assert_eq!(p.pick("filter", "C"), "_C_filter");
        assert_eq!(p.pick("fresh", "C"), "_fresh");
        assert_eq!(p.pick("fresh", "C"), "_C_fresh");
        assert_eq!(p.pick("_private", "C"), "_private");
        assert_eq!(p.pick("test_x", "C"), "_test_x");
        assert_eq!(p.pick("__secret", "C"), "_C_secret");
        assert_eq!(p.pick("os", "C"), "_C_os");
    }

    #[test]
    fn star_import_forces_prefixed_names() {
        let src = "from helpers import *\nclass C:\n    pass\n";
        let tree = parse(src).unwrap();
        let m = Module::build(tree.root_node(), src);
        assert_eq!(NamePicker::new(&m).pick("work", "C"), "_C_work");
    }

    #[test]
    fn fixes_of_one_analysis_pick_apart_unless_they_move_the_same_thing() {
        let src = "class A:\n    pass\n";
        let tree = parse(src).unwrap();
        let m = Module::build(tree.root_node(), src);
        assert_eq!(NamePicker::new(&m).pick("work", "A"), "_work");
        assert_eq!(NamePicker::new(&m).pick("work", "B"), "_B_work");
        // A second plan of A.work (another finding of it) shares the first one's name.
        assert_eq!(NamePicker::new(&m).pick("work", "A"), "_work");
        assert_eq!(
            NamePicker::new(&m).pick_free("_main_map_fn"),
            "_main_map_fn"
        );
        assert_eq!(
            NamePicker::new(&m).pick_free("_main_map_fn"),
            "_main_map_fn_2"
        );
    }

    #[test]
    fn free_names_skip_what_every_picker_sees_taken_but_not_one_pickers_own() {
        let src = "_lambda = 1
_lambda_3 = 3
";
        let tree = parse(src).unwrap();
        let m = Module::build(tree.root_node(), src);
        let mut first = NamePicker::new(&m);
        first.reserve("_lambda_2"); // a local where this fix reroutes
        assert_eq!(first.pick_free("_lambda"), "_lambda_4");
        // `_lambda_2` was only the first picker's to avoid.
        assert_eq!(NamePicker::new(&m).pick_free("_lambda"), "_lambda_2");
        assert_eq!(NamePicker::new(&m).pick_free("_lambda"), "_lambda_5");
        let names: Vec<String> = (0..50)
            .map(|_| NamePicker::new(&m).pick_free("_lambda"))
            .collect();
        assert_eq!(names.first().map(String::as_str), Some("_lambda_6"));
        assert_eq!(names.last().map(String::as_str), Some("_lambda_55"));
    }
}
