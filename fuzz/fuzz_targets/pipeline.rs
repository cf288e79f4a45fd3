//! Arbitrary bytes through the whole in-memory pipeline: decode (PEP 263 cookies included)
//! → analyze → fix_all_in (unsafe fixes on, every rule selected, every non-overlapping fix
//! per pass) → re-parse → fix_all_in again → encode back in the file's own encoding.
//!
//! Inputs that do not decode or that already have syntax errors are rejected by the pipeline
//! (a diagnostic, no edits) and end the case. For every other input:
//! * every planned edit lies inside the text, on character boundaries, sorted, disjoint;
//! * no pass of the fix loop was refused for producing invalid Python (only with
//!   `PICKLEFIX_FUZZ_STRICT=1`: see below);
//! * the fixed text parses with no errors;
//! * a second run over the fixed text changes nothing (idempotence);
//! * the original text encodes back to exactly the input bytes, and the fixed text encodes
//!   in the file's encoding (a fix it cannot hold is refused, never written).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

use picklefix::check::{analyze, fix_all_in, refuse_unencodable};
use picklefix::hierarchy::AnalysisScope;
use picklefix::parse::{error_count, parse};
use picklefix::rules::ALL;
use picklefix::settings::Settings;
use picklefix::source::Source;

/// `PICKLEFIX_FUZZ_STRICT=1`: a fix refused by the fix loop's re-parse is a failure too.
fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("PICKLEFIX_FUZZ_STRICT").is_some_and(|v| v == "1"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = Source::decode(data) else {
        return;
    };
    let settings = Settings {
        unsafe_fixes: true,
        rules: ALL.iter().copied().collect(),
        ..Settings::default()
    };
    let text = &source.text;
    let alone = AnalysisScope::alone(std::path::Path::new("fuzz.py"));
    assert_eq!(
        source.encode(text).expect("the decoded text encodes back"),
        data,
        "decode → encode changed bytes"
    );
    let Ok(mut findings) = analyze(text, &settings, &alone) else {
        return; // syntax error: left untouched by design
    };
    refuse_unencodable(&mut findings, &source.codec);
    for f in &findings {
        assert!(f.range.start <= f.range.end && f.range.end <= text.len());
        let Some(fix) = &f.fix else { continue };
        let mut cursor = 0;
        for e in &fix.edits {
            assert!(
                cursor <= e.range.start && e.range.start <= e.range.end,
                "edits out of order or overlapping: {:?}",
                fix.edits
            );
            assert!(e.range.end <= text.len(), "edit past the end: {e:?}");
            assert!(
                text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end),
                "edit splits a character: {e:?}"
            );
            cursor = e.range.end;
        }
    }
    let fixed = fix_all_in(text, &findings, &settings, &alone, &source.codec);
    // tree-sitter accepts some text that Python rejects (inconsistent dedents, for one): a
    // fix planned on such text may be refused by the fix loop's re-parse. That safety net is
    // by design, so only strict runs treat a refusal as a failure.
    if let Some(why) = &fixed.rejected {
        assert!(
            !strict(),
            "a planned fix produced invalid Python: {why}\n{text}"
        );
    }
    let tree = parse(&fixed.text).expect("tree-sitter gave up on the fixed text");
    assert_eq!(error_count(&tree), 0, "fixed text has syntax errors");
    let again = analyze(&fixed.text, &settings, &alone).expect("fixed text re-analyses");
    let second = fix_all_in(&fixed.text, &again, &settings, &alone, &source.codec);
    assert_eq!(
        second.text, fixed.text,
        "a second run changed the fixed text"
    );
    assert!(
        source.encode(&fixed.text).is_ok(),
        "the fixed text cannot be written in {}",
        source.codec.python_name()
    );
});
