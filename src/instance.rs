//! What travels when a pool pickles an instance: its attributes, which of them cannot be
//! pickled (and the exception Python raises), and the writes a worker makes to its copy.
//!
//! An instance is pickled with its `__dict__`. The attributes counted are those assigned in
//! `__init__` (or `__post_init__`) of the class and of its project bases, which every
//! instance has, and, for a pool call, those the calling method assigns before the call
//! (`self.pool = Pool(); self.pool.map(self.work, xs)` pickles the pool). A family that
//! defines `__getstate__`, `__reduce__` or `__reduce_ex__` decides for itself what pickles:
//! nothing is said about it.

use tree_sitter::Node;

use crate::facts::AttrFact;
use crate::hierarchy::{ClassKey, ClassRef, ProjectView};
use crate::parse::descendants;
use crate::render::display_path;
use crate::resolve::{ClassId, Module};

/// When the instance is pickled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// With every task (`submit`, `map`…): multiprocessing's locks and queues fail too.
    Task,
    /// While a process is started (`Process.start()` under spawn/forkserver, `initializer=`).
    Spawning,
}

/// An attribute whose value cannot be pickled.
#[derive(Debug, Clone)]
pub struct Failing {
    pub text: String,
    /// `line 8`, or `pkg/base.py:8` for a base in another file.
    pub at: String,
    pub exception: String,
}

#[derive(Debug, Clone, Default)]
pub struct Travel {
    pub failing: Vec<Failing>,
    /// Distinct attributes counted.
    pub attributes: usize,
    /// Every class of the family is known: the count is the whole `__dict__`.
    pub complete: bool,
    /// A pickling hook decides what travels.
    pub hooked: bool,
}

/// Which assignments count, beyond `__init__`: those of `method` in the class itself up to
/// byte `before`.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub method: &'a str,
    pub line: usize,
}

const HOOKS: &[&str] = &["__getstate__", "__reduce__", "__reduce_ex__"];
const ALWAYS_RUN: &[&str] = &["__init__", "__post_init__"];
/// Bases whose own state pickles (under spawning, for `Process`) and adds nothing we report.
const TRANSPARENT_BASES: &[&str] = &[
    "object",
    "multiprocessing.Process",
    "multiprocessing.context.Process",
    "multiprocessing.process.BaseProcess",
];

pub fn travel(
    project: &ProjectView,
    key: ClassKey,
    moment: Moment,
    caller: Option<Caller>,
) -> Option<Travel> {
    let mro = project.mro(key).ok()?;
    let mut out = Travel {
        complete: true,
        ..Travel::default()
    };
    let mut names: Vec<&str> = Vec::new();
    let mut facts = Vec::new();
    for entry in &mro {
        match entry {
            ClassRef::Known(k) => facts.push((*k, project.class(*k)?)),
            ClassRef::External(q) if TRANSPARENT_BASES.contains(&q.as_str()) => {}
            _ => out.complete = false,
        }
    }
    for (k, (f, i)) in &facts {
        let c = &f.classes[*i];
        if HOOKS.iter().any(|h| c.defines.contains(*h)) {
            out.hooked = true;
            return Some(out);
        }
        let counts = |a: &AttrFact| {
            ALWAYS_RUN.contains(&a.method.as_str())
                || (*k == key && caller.is_some_and(|cl| a.method == cl.method && a.line < cl.line))
        };
        for a in c.attrs.iter().filter(|a| counts(a)) {
            if !names.contains(&a.name.as_str()) {
                names.push(&a.name);
            }
            let Some(p) = &a.problem else { continue };
            if moment == Moment::Spawning && p.ok_while_spawning {
                continue;
            }
            let at = if k.file == project.own_id {
                format!("line {}", a.line)
            } else {
                format!("{}:{}", display_path(&f.path), a.line)
            };
            out.failing.push(Failing {
                text: a.text.clone(),
                at,
                exception: p.exception.clone(),
            });
        }
    }
    out.attributes = names.len();
    Some(out)
}

impl Travel {
    /// `pickling fails: `self.lock = threading.Lock()` (line 8) → TypeError: …`, or how much
    /// travels; `None` when nothing sure can be said.
    pub fn note(&self, moment: Moment) -> Option<String> {
        if self.hooked {
            return None;
        }
        if !self.failing.is_empty() {
            let each: Vec<String> = self
                .failing
                .iter()
                .map(|f| format!("`{}` ({}) → {}", f.text, f.at, f.exception))
                .collect();
            return Some(format!("pickling fails: {}", each.join("; ")));
        }
        if !self.complete {
            return None;
        }
        let n = self.attributes;
        let s = if n == 1 { "" } else { "s" };
        let when = match moment {
            Moment::Task => "with every task",
            Moment::Spawning => "to every process started",
        };
        Some(format!(
            "the instance pickles ({n} attribute{s}) but travels {when}"
        ))
    }
}

/// A write to the instance in a method run in a worker (or a `self.helper` it calls).
#[derive(Debug, Clone)]
pub struct LostWrite {
    pub text: String,
    pub line: usize,
}

/// `self.x = …`, `self.x += …` in `method` and the instance methods it calls through
/// `self`, in source order.
pub fn lost_writes(module: &Module, class: ClassId, method: &str) -> Vec<LostWrite> {
    let c = &module.classes[class];
    let mut queue = vec![method.to_string()];
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    while let Some(name) = queue.pop() {
        if seen.contains(&name) || seen.len() > 32 {
            continue;
        }
        seen.push(name.clone());
        let mut defs = c.methods_named(&name);
        let (Some(m), None) = (defs.next(), defs.next()) else {
            continue;
        };
        let (Some(self_name), Some(body), true) = (
            m.first_param.as_deref(),
            m.def.child_by_field_name("body"),
            m.is_instance_method(),
        ) else {
            continue;
        };
        for node in descendants(body) {
            if node.kind() != "attribute" {
                continue;
            }
            let (Some(obj), Some(attr)) = (
                node.child_by_field_name("object"),
                node.child_by_field_name("attribute"),
            ) else {
                continue;
            };
            if obj.kind() != "identifier" || module.text(obj) != self_name {
                continue;
            }
            if let Some(statement) = write_statement(node) {
                out.push(LostWrite {
                    text: one_line(module.text(statement)),
                    line: node.start_position().row + 1,
                });
            } else if c.methods_named(module.text(attr)).next().is_some() {
                queue.push(module.text(attr).to_string());
            }
        }
    }
    out.sort_by_key(|w| w.line);
    out.dedup_by_key(|w| w.line);
    out
}

/// The assignment whose target is `attr`, if it is one.
fn write_statement(attr: Node) -> Option<Node> {
    let mut target = attr;
    let mut parent = attr.parent()?;
    while matches!(
        parent.kind(),
        "pattern_list" | "tuple_pattern" | "list_pattern"
    ) {
        target = parent;
        parent = parent.parent()?;
    }
    let is_target = matches!(parent.kind(), "assignment" | "augmented_assignment")
        && parent
            .child_by_field_name("left")
            .is_some_and(|l| l.id() == target.id());
    is_target.then_some(parent)
}

fn one_line(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// `lost write: `self.calls += 1` (line 10) changes the worker's copy …`.
pub fn lost_writes_note(writes: &[LostWrite]) -> Option<String> {
    let first = writes.first()?;
    let more = match writes.len() - 1 {
        0 => String::new(),
        1 => " (and 1 more write)".to_string(),
        n => format!(" (and {n} more writes)"),
    };
    Some(format!(
        "lost write: `{}` (line {}){more} changes the worker's copy of the instance, never the parent's",
        first.text, first.line
    ))
}

/// What to add to a bound-method finding whose instance stays on the pool's path: what
/// travels (or fails) with it, and the writes the worker makes to its copy.
pub fn bound_method_notes(
    module: &Module,
    project: &ProjectView,
    class: ClassId,
    method: &str,
    site: &crate::matcher::Site,
) -> Vec<String> {
    let moment = match site.channel {
        crate::matcher::Channel::Task => Moment::Task,
        crate::matcher::Channel::StartUp => Moment::Spawning,
    };
    let at = site.call.start_byte();
    let caller = module.classes[class]
        .methods
        .iter()
        .find(|m| m.def.byte_range().contains(&at))
        .map(|m| Caller {
            method: &m.name,
            line: site.call.start_position().row + 1,
        });
    let key = ClassKey {
        file: project.own_id,
        class,
    };
    let mut notes = Vec::new();
    if let Some(note) = travel(project, key, moment, caller).and_then(|t| t.note(moment)) {
        notes.push(note);
    }
    if let Some(note) = lost_writes_note(&lost_writes(module, class, method)) {
        notes.push(note);
    }
    notes
}
