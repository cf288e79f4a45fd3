//! Turning file bytes into text we may edit, and back.
//!
//! A file is only edited when we can reproduce every byte we don't touch: so the BOM is
//! split off and re-attached, and anything that isn't UTF-8 (or a pure-ASCII file whose
//! coding cookie names an ASCII-compatible codec) is refused with a reason.

/// Decoded Python source: the text we parse and edit, plus what we must give back on write.
#[derive(Debug, Clone)]
pub struct Source {
    pub bom: bool,
    pub text: String,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

impl Source {
    pub fn decode(bytes: &[u8]) -> Result<Source, String> {
        let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        if body.iter().take(8192).any(|&b| b == 0) {
            return Err("binary file (contains NUL bytes)".to_string());
        }
        if let Some(codec) = coding_cookie(body) {
            let normalized = codec.to_ascii_lowercase().replace('_', "-");
            let utf8 = matches!(normalized.as_str(), "utf-8" | "utf8" | "utf-8-sig")
                || normalized.starts_with("utf-8-");
            let ascii_compatible = matches!(
                normalized.as_str(),
                "ascii"
                    | "us-ascii"
                    | "latin-1"
                    | "latin1"
                    | "iso-8859-1"
                    | "iso8859-1"
                    | "iso-8859-15"
                    | "cp1252"
                    | "windows-1252"
            );
            if !(utf8 || ascii_compatible && body.is_ascii()) {
                return Err(format!(
                    "declares encoding `{codec}` and is not plain ASCII; only UTF-8 files are rewritten"
                ));
            }
        }
        match std::str::from_utf8(body) {
            Ok(text) => Ok(Source {
                bom,
                text: text.to_string(),
            }),
            Err(e) => Err(format!(
                "not valid UTF-8 (byte offset {}) and no coding cookie",
                e.valid_up_to() + if bom { 3 } else { 0 }
            )),
        }
    }

    /// The bytes to write for `text`, restoring the BOM.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + 3);
        if self.bom {
            out.extend_from_slice(UTF8_BOM);
        }
        out.extend_from_slice(text.as_bytes());
        out
    }
}

/// PEP 263: `coding[:=]NAME` in a comment on line 1 or 2.
fn coding_cookie(body: &[u8]) -> Option<String> {
    for line in body.split(|&b| b == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            // Line 2 only counts when line 1 is a comment or blank (as in CPython).
            if trimmed.trim().is_empty() {
                continue;
            }
            return None;
        }
        if let Some(pos) = trimmed.find("coding") {
            let rest = &trimmed[pos + "coding".len()..];
            let rest = match rest.strip_prefix(':').or_else(|| rest.strip_prefix('=')) {
                Some(r) => r.trim_start(),
                None => continue,
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                return Some(name);
            }
        }
    }
    None
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
        assert_eq!(s.encode(&s.text), b"\xEF\xBB\xBFx = 1\n");
    }

    #[test]
    fn refuses_binary_and_bad_utf8() {
        assert!(Source::decode(b"x\0y").unwrap_err().contains("binary"));
        assert!(Source::decode(b"x = '\xff'\n")
            .unwrap_err()
            .contains("UTF-8"));
    }

    #[test]
    fn coding_cookie_latin1_is_fine_when_ascii_only() {
        assert!(Source::decode(b"# -*- coding: latin-1 -*-\nx = 1\n").is_ok());
        let err = Source::decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n").unwrap_err();
        assert!(err.contains("latin-1"), "{err}");
        assert!(Source::decode("# coding=utf-8\nx = 'é'\n".as_bytes()).is_ok());
    }

    #[test]
    fn newline_and_positions() {
        assert_eq!(newline_of("a\r\nb"), "\r\n");
        assert_eq!(newline_of("a\nb"), "\n");
        assert_eq!(row_col("ab\néx = 1", 6), (2, 3));
        assert_eq!(line_start("ab\ncd", 4), 3);
        assert_eq!(line_end_inclusive("ab\ncd", 1), 3);
        assert_eq!(line_end_inclusive("ab\ncd", 4), 5);
    }
}
