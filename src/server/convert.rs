//! Byte offsets in our text ↔ LSP positions (line, UTF-16 code unit), and the smallest edit
//! between two texts.

use std::ops::Range;

use lsp_types::{Position, Range as LspRange};

/// Line starts of a text, for converting both ways.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = self.text[start..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, range: &Range<usize>) -> LspRange {
        LspRange::new(self.position(range.start), self.position(range.end))
    }

    /// The byte offset of `pos`; positions past a line's end clamp to it (as LSP asks).
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(self.text.len(), |&e| e - 1);
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The one replacement that turns `old` into `new`: the changed middle between their
/// common prefix and suffix (kept on character boundaries).
pub fn minimal_edit(old: &str, new: &str) -> (Range<usize>, String) {
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old[prefix..]
        .chars()
        .rev()
        .zip(new[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .scan(0, |sum, n| {
            *sum += n;
            Some(*sum)
        })
        .take_while(|&n| n <= max_suffix)
        .last()
        .unwrap_or(0);
    (
        prefix..old.len() - suffix,
        new[prefix..new.len() - suffix].to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        let text = "ab\r\nx = \"é😀\" + y\nlast";
        let idx = LineIndex::new(text);
        let y = text.find('y').unwrap();
        // `x = "` is 5 units, é is 1, 😀 is 2, `" + ` is 4.
        assert_eq!(idx.position(y), Position::new(1, 12));
        assert_eq!(idx.offset(Position::new(1, 12)), y);
        assert_eq!(idx.position(0), Position::new(0, 0));
        assert_eq!(
            idx.offset(Position::new(0, 99)),
            3,
            "clamped before the newline"
        );
        assert_eq!(idx.offset(Position::new(9, 0)), text.len());
        assert_eq!(idx.position(text.len()), Position::new(2, 4));
    }

    #[test]
    fn minimal_edits() {
        assert_eq!(minimal_edit("abc", "abc"), (3..3, String::new()));
        assert_eq!(minimal_edit("a(x)b", "a(y)b"), (2..3, "y".to_string()));
        assert_eq!(minimal_edit("aaa", "aaaa"), (3..3, "a".to_string()));
        assert_eq!(minimal_edit("é", "è"), (0..2, "è".to_string()));
        let (r, s) = minimal_edit("x = 1\n", "def f():\n    pass\nx = 1\n");
        let mut out = "x = 1\n".to_string();
        out.replace_range(r, &s);
        assert_eq!(out, "def f():\n    pass\nx = 1\n");
    }
}
