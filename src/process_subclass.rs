//! PF005: a `multiprocessing.Process` subclass whose instance cannot be pickled, which
//! `start()` does under spawn and forkserver (see `rules::PF005`).

use crate::check::{Finding, Verdict};
use crate::hierarchy::{ClassKey, ProjectView};
use crate::instance::{travel, Moment};
use crate::matcher::ProcessClass;
use crate::resolve::{Module, StartMethod};
use crate::rules::Rule;

pub fn judge(module: &Module, class: &ProcessClass, project: &ProjectView) -> Option<Finding> {
    let key = ClassKey {
        file: project.own_id,
        class: class.class,
    };
    let travel = travel(project, key, Moment::Spawning, None)?;
    if travel.hooked || travel.failing.is_empty() {
        return None;
    }
    let note = travel.note(Moment::Spawning)?;
    let name = &module.classes[class.class].name;
    let (rule, message) = if class.start == StartMethod::Fork {
        (
            Rule::UnknownPool,
            format!(
                "`{name}` is a `multiprocessing.Process` subclass; the fork start method this file pins does not pickle it, but under spawn or forkserver `start()` does and {note}"
            ),
        )
    } else {
        (
            Rule::ProcessSubclass,
            format!(
                "`{name}` is a `multiprocessing.Process` subclass: under spawn and forkserver (the Linux default since Python 3.14) `start()` pickles the whole object; {note}"
            ),
        )
    };
    Some(Finding {
        rule,
        message,
        range: class.name.byte_range(),
        fix: None,
        verdict: Verdict::Unknown,
        reason: None,
    })
}
