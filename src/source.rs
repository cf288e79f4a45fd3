//! Turning file bytes into text we may edit, and back.
//!
//! A file is only edited when we can reproduce every byte we don't touch: so the BOM is
//! split off and re-attached, and the text is decoded in the encoding its PEP 263 coding
//! cookie declares (UTF-8 when none; see `codecs`) and encoded back in it. Whatever CPython
//! would refuse to read (bad bytes for the encoding, NUL bytes, a BOM with another cookie)
//! is refused with a reason.

use crate::codecs::{self, Codec};

/// Decoded Python source: the text we parse and edit, plus what we must give back on write.
#[derive(Debug, Clone)]
pub struct Source {
    pub bom: bool,
    /// The file's encoding (UTF-8 unless a coding cookie names another).
    pub codec: Codec,
    /// Never changed once decoded (`lines` describes it).
    pub text: String,
    lines: std::sync::OnceLock<LineIndex>,
}

/// Where each line of a text starts: the row and column of many offsets of one file, each
/// a binary search (`row_col` counts from the start, once per offset).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// `row_col(text, offset)` for the `text` this index was built from.
    pub fn row_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let row = self.starts.partition_point(|&s| s <= offset);
        let line_start = self.starts[row - 1];
        (row, text[line_start..offset].chars().count() + 1)
    }
}

impl Source {
    pub fn decode(bytes: &[u8]) -> Result<Source, String> {
        let declared = codecs::declared(bytes)?;
        let body = if declared.bom { &bytes[3..] } else { bytes };
        if body.iter().take(8192).any(|&b| b == 0) {
            return Err("binary file (contains NUL bytes)".to_string());
        }
        let text = declared
            .codec
            .decode(body)
            .map_err(|e| match &declared.cookie {
                Some(c) => format!("{e}, the encoding its coding cookie `{c}` declares"),
                None => format!("{e} and no coding cookie"),
            })?;
        Ok(Source {
            bom: declared.bom,
            codec: declared.codec,
            text,
            lines: std::sync::OnceLock::new(),
        })
    }

    /// 1-based row and column (in characters) of byte `offset` of `text`.
    pub fn row_col(&self, offset: usize) -> (usize, usize) {
        self.lines
            .get_or_init(|| LineIndex::new(&self.text))
            .row_col(&self.text, offset)
    }

    /// The bytes to write for `text`, in the file's encoding, restoring the BOM; `Err` when
    /// a character cannot be written in that encoding.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, String> {
        let body = self.codec.encode(text)?;
        let mut out = Vec::with_capacity(body.len() + 3);
        if self.bom {
            out.extend_from_slice(codecs::UTF8_BOM);
        }
        out.extend_from_slice(&body);
        Ok(out)
    }
}

/// Whether `bytes` can be read at all, the cheap way: for files the prefilter skips, which
/// are never decoded. Same verdict as `Source::decode`, without building the text.
pub fn readable(bytes: &[u8]) -> Result<(), String> {
    let declared = codecs::declared(bytes)?;
    let body = if declared.bom { &bytes[3..] } else { bytes };
    if memchr::memchr(0, &body[..body.len().min(8192)]).is_some() {
        return Err("binary file (contains NUL bytes)".to_string());
    }
    declared
        .codec
        .validate(body)
        .map_err(|e| match &declared.cookie {
            Some(c) => format!("{e}, the encoding its coding cookie `{c}` declares"),
            None => format!("{e} and no coding cookie"),
        })
}

/// The newline the file uses (first line ending wins), for text we generate.
pub fn newline_of(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// 1-based row and 1-based column in characters, as ruff reports them.
pub fn row_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let row = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (row, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Byte offset where the line holding `offset` starts.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// Byte offset just past the newline ending the line that holds `offset` (or the text end).
pub fn line_end_inclusive(text: &str, offset: usize) -> usize {
    match text[offset.min(text.len())..].find('\n') {
        Some(i) => offset + i + 1,
        None => text.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_round_trips() {
        let s = Source::decode(b"\xEF\xBB\xBFx = 1\n").unwrap();
        assert!(s.bom);
        assert_eq!(s.text, "x = 1\n");
        assert_eq!(s.encode(&s.text).unwrap(), b"\xEF\xBB\xBFx = 1\n");
    }

    #[test]
    fn refuses_binary_and_bad_utf8() {
        assert!(Source::decode(b"x\0y").unwrap_err().contains("binary"));
        assert!(Source::decode(b"x = '\xff'\n")
            .unwrap_err()
            .contains("UTF-8"));
    }

    #[test]
    fn latin1_and_cp1252_round_trip_and_refuse_what_they_cannot_hold() {
        let bytes = b"# -*- coding: latin-1 -*-\nx = '\xe9'\n";
        let s = Source::decode(bytes).unwrap();
        assert_eq!(s.text, "# -*- coding: latin-1 -*-\nx = '\u{e9}'\n");
        assert_eq!(s.encode(&s.text).unwrap(), bytes);
        let err = s.encode("x = '\u{20ac}'\n").unwrap_err();
        assert!(err.contains("U+20AC") && err.contains("iso8859-1"), "{err}");
        let cp = Source::decode(b"# coding: cp1252\nx = '\x80'\n").unwrap();
        assert_eq!(cp.text, "# coding: cp1252\nx = '\u{20ac}'\n");
        // 0x81 is undefined in CPython's cp1252 (WHATWG maps it to U+0081).
        let err = Source::decode(b"# coding: cp1252\nx = '\x81'\n").unwrap_err();
        assert!(err.contains("0x81") && err.contains("line 2"), "{err}");
        assert!(cp.encode("x = '\u{81}'").is_err());
        assert!(Source::decode("# coding=utf-8\nx = 'é'\n".as_bytes()).is_ok());
    }

    #[test]
    fn readable_agrees_with_decode() {
        for bytes in [
            &b"x = 1\n"[..],
            b"x = '\xff'\n",
            b"\x00\x01binary",
            b"# coding: latin-1\nx = '\xff'\n",
            b"\xEF\xBB\xBF# coding: latin-1\n",
            b"# coding: nosuch\n",
            b"# coding: cp1252\nx = '\x81'\n",
        ] {
            assert_eq!(
                readable(bytes).err(),
                Source::decode(bytes).err(),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn newline_and_positions() {
        assert_eq!(newline_of("a\r\nb"), "\r\n");
        assert_eq!(newline_of("a\nb"), "\n");
        assert_eq!(row_col("ab\néx = 1", 6), (2, 3));
        for text in ["", "\n", "ab\néx = 1", "a\r\nb\n\nc", "é\n\né"] {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.row_col(text, offset),
                    row_col(text, offset),
                    "{text:?} {offset}"
                );
            }
        }
        assert_eq!(line_start("ab\ncd", 4), 3);
        assert_eq!(line_end_inclusive("ab\ncd", 1), 3);
        assert_eq!(line_end_inclusive("ab\ncd", 4), 5);
    }
}
