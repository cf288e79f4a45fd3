//! One module from text to findings, and the fix loop that applies them.

use std::ops::Range;

use crate::codecs::Codec;
use crate::edit::{apply_fixes, Applicability, Fix};
use crate::facts::FileFacts;
use crate::hierarchy::{AnalysisScope, ProjectView};
use crate::judge::{
    classify, closure_names, judge_method, unseen_by_workers, Callable, MethodVerdict,
};
use crate::matcher::{find_argument_sites, find_process_subclasses, find_sites, Channel, Site};
use crate::parse::{error_count, first_error, parse};
use crate::resolve::{Module, StartMethod};
use crate::rewrite::hoist::hoist;
use crate::rewrite::lift::{
    initializer_to_initargs, lift_lambda, lift_local_function, move_out_of_main_guard,
};
use crate::rules::Rule;
use crate::settings::Settings;
use crate::source::row_col;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Stateless,
    ReadOnly,
    Stateful,
    Refused,
    Liftable,
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Stateless => "stateless",
            Verdict::ReadOnly => "read-only",
            Verdict::Stateful => "stateful",
            Verdict::Refused => "refused",
            Verdict::Liftable => "liftable",
            Verdict::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: Rule,
    pub message: String,
    /// The callable expression.
    pub range: Range<usize>,
    pub fix: Option<Fix>,
    pub verdict: Verdict,
    /// Why no fix is offered.
    pub reason: Option<String>,
}

/// Everything found in one text (no fixes applied).
pub fn analyze(
    text: &str,
    settings: &Settings,
    scope: &AnalysisScope,
) -> Result<Vec<Finding>, String> {
    let tree = parse(text).ok_or("the parser gave up")?;
    analyze_parsed(text, &tree, settings, scope)
}

/// `analyze` for a text already parsed into `tree`.
fn analyze_parsed(
    text: &str,
    tree: &tree_sitter::Tree,
    settings: &Settings,
    scope: &AnalysisScope,
) -> Result<Vec<Finding>, String> {
    if let Some(at) = first_error(tree) {
        let (row, col) = row_col(text, at);
        return Err(format!("syntax error at {row}:{col}; file left untouched"));
    }
    let mut module = Module::build(tree.root_node(), text);
    let facts = FileFacts::from_module(
        &module,
        &scope.path,
        scope.index.module_names_of(&scope.path),
    );
    let project = ProjectView::new(&scope.index, &scope.path, facts);
    module.external = scope.external_names(&project);
    let mut found = Vec::new();
    for site in find_sites(&module) {
        found.extend(judge_site(&module, &site, &project));
    }
    for class in find_process_subclasses(&module, &project) {
        found.extend(crate::process_subclass::judge(&module, &class, &project));
    }
    for site in find_argument_sites(&module) {
        found.extend(crate::arguments::judge(&module, &site));
    }
    found.sort_by_key(|f| f.range.start);
    let findings = found
        .into_iter()
        .filter(|f| settings.rules.contains(&f.rule) && !suppressed(&module, f.range.start, f.rule))
        .collect();
    Ok(findings)
}

fn judge_site(module: &Module, site: &Site, project: &ProjectView) -> Option<Finding> {
    let callable = classify(module, site.callable, site.scope, 0);
    let text = module.text(site.callable);
    let what = match &callable {
        Callable::Fine | Callable::Unknown => return None,
        Callable::BoundMethod { .. } | Callable::InheritedMethod { .. } => {
            format!("bound method `{text}`")
        }
        Callable::Lambda(_) => "lambda".to_string(),
        Callable::LocalFunction { name, .. } if name.contains('.') => {
            format!("method `{name}` of a local class")
        }
        Callable::LocalFunction { name, .. } => format!("local function `{name}`"),
        Callable::MainGuardFunction { name, .. } => format!("`{name}`"),
    };
    let range = site.callable.byte_range();
    let info = |message: String| Finding {
        rule: Rule::UnknownPool,
        message,
        range: range.clone(),
        fix: None,
        verdict: Verdict::Unknown,
        reason: None,
    };
    if site.unknown_receiver {
        return Some(info(format!(
            "{what} handed to `{}`, whose kind is unknown: it fails if that is a process pool",
            site.api
        )));
    }
    if site.channel == Channel::StartUp && site.start == StartMethod::Fork {
        return Some(info(format!(
            "{what} handed to `{}` is not pickled under the fork start method this file pins; it fails under spawn or forkserver",
            site.api
        )));
    }
    let startup_note = if site.channel == Channel::StartUp {
        " under spawn and forkserver (the Linux default since Python 3.14)"
    } else {
        ""
    };
    let finding =
        |rule, message: String, fix: Option<Fix>, verdict, reason: Option<String>| Finding {
            rule,
            message,
            range: range.clone(),
            fix,
            verdict,
            reason,
        };
    // A planned fix becomes the finding's fix; a refusal becomes its reason.
    let planned = |rule, message: String, plan: Result<Fix, String>, verdict| match plan {
        Ok(fix) => finding(rule, message, Some(fix), verdict, None),
        Err(reason) => finding(rule, message, None, Verdict::Refused, Some(reason)),
    };
    let finding = match callable {
        Callable::BoundMethod {
            class,
            method,
            reference,
        } => {
            let class_name = &module.classes[class].name;
            let message = format!(
                "{what} handed to `{}`: pickles the whole `{class_name}` instance{startup_note}",
                site.api
            );
            match judge_method(module, class, &method, project) {
                MethodVerdict::Stateless(set) => {
                    let verdict = if set.read_attrs.is_empty() {
                        Verdict::Stateless
                    } else {
                        Verdict::ReadOnly
                    };
                    planned(
                        Rule::BoundMethod,
                        message,
                        hoist(module, &set, reference),
                        verdict,
                    )
                }
                MethodVerdict::Stateful { reason } => finding(
                    Rule::BoundMethod,
                    message,
                    None,
                    Verdict::Stateful,
                    Some(reason),
                ),
                MethodVerdict::Refused { reason } => finding(
                    Rule::BoundMethod,
                    message,
                    None,
                    Verdict::Refused,
                    Some(reason),
                ),
            }
        }
        Callable::InheritedMethod { class, method } => finding(
            Rule::BoundMethod,
            format!(
                "{what} handed to `{}`: pickles the whole `{}` instance{startup_note}",
                site.api, module.classes[class].name
            ),
            None,
            Verdict::Refused,
            Some(format!("`{method}` is inherited from a base class")),
        ),
        Callable::Lambda(lambda) => {
            let message = format!(
                "lambda handed to `{}` cannot be pickled{startup_note}",
                site.api
            );
            let plan = match unseen_by_workers(module, lambda, project) {
                Some(why) => Err(why),
                // A lambda that captures nothing moves as it is (safe); one that captures
                // prefers `initargs=` where the API has it.
                None if closure_names(module, lambda).is_empty() => {
                    lift_lambda(module, lambda, site, project)
                }
                None => initializer_to_initargs(module, lambda, site.scope)
                    .or_else(|_| lift_lambda(module, lambda, site, project)),
            };
            planned(Rule::Lambda, message, plan, Verdict::Liftable)
        }
        Callable::LocalFunction { def, .. } => {
            let message = format!(
                "{what} handed to `{}` cannot be pickled{startup_note}",
                site.api
            );
            let def_scope = def
                .and_then(|d| module.scope_of_def(d))
                .and_then(|s| module.scopes[s].parent);
            let lifted = match (def, def_scope) {
                (Some(def), Some(scope)) => match unseen_by_workers(module, def, project) {
                    Some(why) => Err(why),
                    None => lift_local_function(module, def, scope, site, project),
                },
                _ => Err("its definition was not found".to_string()),
            };
            planned(Rule::LocalFunction, message, lifted, Verdict::Liftable)
        }
        Callable::MainGuardFunction { def, name } => {
            let message = format!(
                "`{name}` is defined under `if __name__ == \"__main__\":`; `{}` cannot find it in a spawn or forkserver worker",
                site.api
            );
            let plan = move_out_of_main_guard(module, def, &name);
            planned(Rule::MainGuardFunction, message, plan, Verdict::Liftable)
        }
        Callable::Fine | Callable::Unknown => return None,
    };
    Some(with_instance_notes(finding, module, site, project))
}

/// A bound method left in place keeps pickling its instance: say what travels, what fails
/// and which writes are lost (see `instance`).
fn with_instance_notes(
    mut finding: Finding,
    module: &Module,
    site: &Site,
    project: &ProjectView,
) -> Finding {
    if finding.rule != Rule::BoundMethod || finding.fix.is_some() {
        return finding;
    }
    let (class, method) = match classify(module, site.callable, site.scope, 0) {
        Callable::BoundMethod { class, method, .. }
        | Callable::InheritedMethod { class, method } => (class, method),
        _ => return finding,
    };
    for note in crate::instance::bound_method_notes(module, project, class, &method, site) {
        finding.message.push_str("; ");
        finding.message.push_str(&note);
    }
    finding
}

/// A suppression comment on the line of `at` (see `suppress` for the syntax). Only real
/// comments count: a `#` inside a string does not.
fn suppressed(module: &Module, at: usize, rule: Rule) -> bool {
    let text = module.src;
    let start = crate::source::line_start(text, at);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let first = module.comments.partition_point(|c| c.start_byte() < start);
    module.comments[first..]
        .iter()
        .take_while(|c| c.start_byte() < end)
        .any(|c| crate::suppress::comment_suppresses(module.text(*c), rule))
}

pub const MAX_PASSES: usize = 16;

/// Result of fixing one text.
pub struct Fixed {
    pub text: String,
    pub fixes_applied: usize,
    /// A pass produced text with new syntax errors and was dropped.
    pub rejected: Option<String>,
}

/// A fix whose new text the file's encoding cannot hold is refused: the file is written
/// back in its own encoding (a non-ASCII name moved into a latin-1 file, say).
pub fn refuse_unencodable(findings: &mut [Finding], codec: &Codec) {
    if codec.is_utf8() {
        return;
    }
    for f in findings.iter_mut() {
        let Some(fix) = &f.fix else { continue };
        let bad = fix
            .edits
            .iter()
            .find_map(|e| codec.first_unencodable(&e.content));
        if let Some((_, c)) = bad {
            f.reason = Some(format!(
                "the fix would write `{c}` (U+{:04X}), which this file's encoding ({}) cannot hold",
                c as u32,
                codec.python_name()
            ));
            f.fix = None;
            f.verdict = Verdict::Refused;
        }
    }
}

/// Apply fixes pass after pass until nothing applicable is left (UTF-8 text). Each pass
/// applies every fix that overlaps no other (`apply_fixes`), then analyses the new text
/// (reusing the parse that checked it), until a pass finds nothing to apply.
pub fn fix_all(
    original: &str,
    first: &[Finding],
    settings: &Settings,
    scope: &AnalysisScope,
) -> Fixed {
    fix_all_in(original, first, settings, scope, &crate::codecs::UTF8)
}

/// `fix_all` for a file in `codec`: later passes refuse what it cannot hold, as
/// `refuse_unencodable` does for the first.
pub fn fix_all_in(
    original: &str,
    first: &[Finding],
    settings: &Settings,
    scope: &AnalysisScope,
    codec: &Codec,
) -> Fixed {
    let min = settings.min_applicability();
    let mut current = original.to_string();
    let mut applied_total = 0;
    let mut findings: Vec<Finding> = first.to_vec();
    refuse_unencodable(&mut findings, codec);
    for _ in 0..MAX_PASSES {
        let fixes: Vec<&Fix> = findings
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .filter(|fix| {
                fix.applicability >= min && fix.applicability != Applicability::DisplayOnly
            })
            .collect();
        if fixes.is_empty() {
            break;
        }
        let (next, applied) = apply_fixes(&current, &fixes);
        if next == current {
            break;
        }
        let tree = match parse(&next) {
            Some(tree) if error_count(&tree) == 0 => tree,
            _ => {
                return Fixed {
                    text: current,
                    fixes_applied: applied_total,
                    rejected: Some("a fix produced invalid Python; it was not applied".into()),
                }
            }
        };
        applied_total += applied.iter().filter(|a| **a).count();
        current = next;
        // Analyse again even when every fix went in: a fix can expose new findings (a lifted
        // local class's methods become module-level PF001 sites), and `--write` must reach
        // the fixpoint so that a second run is a no-op.
        findings = match analyze_parsed(&current, &tree, settings, scope) {
            Ok(mut f) => {
                refuse_unencodable(&mut f, codec);
                f
            }
            Err(e) => {
                return Fixed {
                    text: current,
                    fixes_applied: applied_total,
                    rejected: Some(e),
                }
            }
        };
    }
    Fixed {
        text: current,
        fixes_applied: applied_total,
        rejected: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_inside_a_string_is_not_a_comment() {
        let src = "xs = ['# noqa']\npool.map(f, xs)  # noqa: PF002\n";
        let tree = parse(src).unwrap();
        let module = Module::build(tree.root_node(), src);
        assert!(!suppressed(&module, 0, Rule::Lambda));
        assert!(suppressed(&module, src.find("pool").unwrap(), Rule::Lambda));
    }
}
