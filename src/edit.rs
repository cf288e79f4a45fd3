//! Edits and fixes on the original text, after ruff's `Edit`/`Fix`/`Applicability`.
//!
//! An `Edit` replaces a byte range of the text it was planned on. A `Fix` is all the edits
//! one finding needs, applied together or not at all. Fixes that touch overlapping bytes
//! (or define the same new module-level name) cannot go in the same pass: the later one
//! waits for the next pass, where it is planned afresh on the new text. An edit identical to
//! one already chosen (the same `import functools`) is shared instead.

use std::collections::{BTreeMap, HashMap, HashSet};
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

/// The edits taken so far in a pass, by start: disjoint, except that insertions at one
/// point may pile up (in the order they were taken).
#[derive(Default)]
struct Taken<'f> {
    by_start: BTreeMap<usize, Vec<&'f Edit>>,
}

enum Fit {
    /// Touches no taken byte.
    Free,
    /// The very same edit is already taken (one `import functools` serves every fix).
    Shared,
    Clash,
}

impl<'f> Taken<'f> {
    fn fit(&self, e: &Edit) -> Fit {
        if let Some(same) = self.by_start.get(&e.range.start) {
            if same.contains(&e) {
                return Fit::Shared;
            }
            // Insertions at one point go in order; anything else starting there clashes.
            let inserts = e.range.is_empty() && same.iter().all(|t| t.range.is_empty());
            if !inserts {
                return Fit::Clash;
            }
        }
        // The last edit starting before `e` must end by `e`'s start.
        if let Some((_, before)) = self.by_start.range(..e.range.start).next_back() {
            if before.iter().any(|t| t.range.end > e.range.start) {
                return Fit::Clash;
            }
        }
        // Nothing may start inside `e`.
        if e.range.start + 1 < e.range.end
            && self
                .by_start
                .range(e.range.start + 1..e.range.end)
                .next()
                .is_some()
        {
            return Fit::Clash;
        }
        Fit::Free
    }
}

/// Choose the fixes that can go together in one pass, in order, and apply them.
/// Returns the new text and, for each fix, whether it was applied (a fix identical to an
/// applied one counts as applied: two findings of one method share one hoist). A fix
/// waits for the next pass when an edit overlaps one already taken or it defines a name
/// another fix defines; an edit equal to a taken one is shared, and insertions at one
/// point go in the order of their fixes. Linear in the number of edits (log factor).
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, Vec<bool>) {
    let mut order: Vec<usize> = (0..fixes.len()).collect();
    order.sort_by_key(|&i| fixes[i].edits.first().map_or(0, |e| e.range.start));
    let mut taken = Taken::default();
    let mut names: HashSet<&str> = HashSet::new();
    let mut applied = vec![false; fixes.len()];
    let mut seen: HashMap<&[Edit], ()> = HashMap::new();
    let mut edits: Vec<&Edit> = Vec::new();
    for i in order {
        let fix = fixes[i];
        if seen.contains_key(fix.edits.as_slice()) {
            applied[i] = true;
            continue;
        }
        let mut fresh: Vec<&Edit> = Vec::with_capacity(fix.edits.len());
        let mut clash = fix.defines.iter().any(|n| names.contains(n.as_str()));
        for e in &fix.edits {
            if clash {
                break;
            }
            match taken.fit(e) {
                Fit::Free => fresh.push(e),
                Fit::Shared => {}
                Fit::Clash => clash = true,
            }
        }
        if clash {
            continue;
        }
        for e in fresh {
            taken.by_start.entry(e.range.start).or_default().push(e);
            edits.push(e);
        }
        names.extend(fix.defines.iter().map(String::as_str));
        seen.insert(fix.edits.as_slice(), ());
        applied[i] = true;
    }
    // Stable: insertions at one point keep the order they were taken in.
    edits.sort_by_key(|e| e.range.start);
    let owned: Vec<Edit> = edits.into_iter().cloned().collect();
    (apply_edits(text, &owned), applied)
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
    fn shared_and_stacked_insertions_go_in_one_pass() {
        let import = Edit::insert(0, "import functools\n");
        let a = Fix::new(
            vec![
                import.clone(),
                Edit::insert(4, "A"),
                Edit::replace(6..7, "x"),
            ],
            Applicability::Safe,
            "a".into(),
        );
        let b = Fix::new(
            vec![
                import.clone(),
                Edit::insert(4, "B"),
                Edit::replace(8..9, "y"),
            ],
            Applicability::Safe,
            "b".into(),
        );
        // A replacement starting at an insertion point still waits.
        let c = Fix::new(
            vec![Edit::replace(4..5, "C")],
            Applicability::Safe,
            "c".into(),
        );
        let (out, applied) = apply_fixes("0123456789", &[&a, &b, &c]);
        assert_eq!(out, "import functools\n0123AB45x7y9");
        assert_eq!(applied, vec![true, true, false]);
    }

    #[test]
    fn an_insertion_inside_a_replacement_waits() {
        let a = Fix::new(
            vec![Edit::replace(2..6, "R")],
            Applicability::Safe,
            "a".into(),
        );
        let b = Fix::new(vec![Edit::insert(4, "I")], Applicability::Safe, "b".into());
        let c = Fix::new(vec![Edit::insert(6, "E")], Applicability::Safe, "c".into());
        let (out, applied) = apply_fixes("0123456789", &[&a, &b, &c]);
        assert_eq!(out, "01RE6789");
        assert_eq!(applied, vec![true, false, true]);
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
