//! Edits and fixes on the original text, after ruff's `Edit`/`Fix`/`Applicability`.
//!
//! An `Edit` replaces a byte range of the text it was planned on. A `Fix` is all the edits
//! one finding needs, applied together or not at all. Fixes that touch overlapping bytes
//! (or define the same new module-level name) cannot go in the same pass: the later one
//! waits for the next pass, where it is planned afresh on the new text. An edit identical to
//! one already chosen (the same `import functools`) is shared instead.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub content: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, content: impl Into<String>) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }
    pub fn insert(at: usize, content: impl Into<String>) -> Edit {
        Edit::replace(at..at, content)
    }
    pub fn delete(range: Range<usize>) -> Edit {
        Edit::replace(range, String::new())
    }
    fn conflicts_with(&self, other: &Edit) -> bool {
        // Two insertions (or an insertion and an edit starting there) at one point conflict:
        // their order would be arbitrary.
        if self.range.start == other.range.start {
            return true;
        }
        self.range.start < other.range.end && other.range.start < self.range.end
    }
}

/// How sure we are that a fix keeps behaviour. Ordered: `DisplayOnly < Unsafe < Safe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    DisplayOnly,
    Unsafe,
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// Sorted by start, non-overlapping.
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    pub message: String,
    /// Module-level names this fix creates; two fixes creating one name can't share a pass.
    pub defines: Vec<String>,
}

impl Fix {
    pub fn new(mut edits: Vec<Edit>, applicability: Applicability, message: String) -> Fix {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        Fix {
            edits,
            applicability,
            message,
            defines: Vec::new(),
        }
    }
}

/// `Err` when two of `edits` (sorted by start) cover the same bytes.
pub fn ensure_disjoint(edits: &[Edit]) -> Result<(), String> {
    match edits.windows(2).find(|p| p[0].range.end > p[1].range.start) {
        Some(_) => Err("the rewrite would edit overlapping text".to_string()),
        None => Ok(()),
    }
}

/// Apply `edits` (sorted, non-overlapping) to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 256);
    let mut cursor = 0;
    for edit in edits {
        let start = edit.range.start.clamp(cursor, text.len());
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.content);
        cursor = edit.range.end.clamp(start, text.len());
    }
    out.push_str(&text[cursor..]);
    out
}

/// Choose the fixes that can go together in one pass, in order, and apply them.
/// Returns the new text and, for each fix, whether it was applied (a fix identical to an
/// applied one counts as applied: two findings of one method share one hoist).
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, Vec<bool>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| fixes[i].edits.first().map_or(0, |e| e.range.start));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    let mut applied = vec![false; fixes.len()];
    let mut chosen: Vec<usize> = Vec::new();
    for i in order {
        let fix = fixes[i];
        if chosen.iter().any(|&c| fixes[c].edits == fix.edits) {
            applied[i] = true;
            continue;
        }
        // An edit identical to one already taken (two fixes inserting the same
        // `import functools`) is shared, not a conflict.
        let clash = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| *t != e && t.conflicts_with(e)))
            || fix.defines.iter().any(|n| names.contains(&n.as_str()));
        if clash {
            continue;
        }
        for e in &fix.edits {
            if !taken.contains(&e) {
                taken.push(e);
            }
        }
        names.extend(fix.defines.iter().map(String::as_str));
        applied[i] = true;
        chosen.push(i);
    }
    let mut edits: Vec<Edit> = taken.into_iter().cloned().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    (apply_edits(text, &edits), applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_in_order_and_keeps_other_bytes() {
        let text = "a = 1\r\nb = 2\r\n";
        let edits = vec![Edit::replace(0..1, "x"), Edit::insert(7, "# hi\r\n")];
        assert_eq!(apply_edits(text, &edits), "x = 1\r\n# hi\r\nb = 2\r\n");
    }

    #[test]
    fn overlapping_fix_waits_for_next_pass() {
        let a = Fix::new(
            vec![Edit::replace(0..3, "A")],
            Applicability::Safe,
            "a".into(),
        );
        let b = Fix::new(
            vec![Edit::replace(2..5, "B")],
            Applicability::Safe,
            "b".into(),
        );
        let c = Fix::new(
            vec![Edit::replace(6..7, "C")],
            Applicability::Safe,
            "c".into(),
        );
        let (out, applied) = apply_fixes("0123456789", &[&a, &b, &c]);
        assert_eq!(out, "A345C789");
        assert_eq!(applied, vec![true, false, true]);
    }

    #[test]
    fn identical_fixes_both_count_and_same_name_waits() {
        let mut a = Fix::new(vec![Edit::insert(0, "x")], Applicability::Safe, "a".into());
        a.defines = vec!["f".into()];
        let same = a.clone();
        let mut other = Fix::new(vec![Edit::insert(5, "y")], Applicability::Safe, "o".into());
        other.defines = vec!["f".into()];
        let (out, applied) = apply_fixes("01234567", &[&a, &same, &other]);
        assert_eq!(out, "x01234567");
        assert_eq!(applied, vec![true, true, false]);
    }

    #[test]
    fn identical_edits_are_shared() {
        let import = Edit::insert(0, "import functools\n");
        let a = Fix::new(
            vec![import.clone(), Edit::replace(2..3, "A")],
            Applicability::Unsafe,
            "a".into(),
        );
        let b = Fix::new(
            vec![import, Edit::replace(5..6, "B")],
            Applicability::Unsafe,
            "b".into(),
        );
        let (out, applied) = apply_fixes("0123456789", &[&a, &b]);
        assert_eq!(out, "import functools\n01A34B6789");
        assert_eq!(applied, vec![true, true]);
    }

    #[test]
    fn applicability_is_ordered() {
        assert!(Applicability::DisplayOnly < Applicability::Unsafe);
        assert!(Applicability::Unsafe < Applicability::Safe);
    }
}
