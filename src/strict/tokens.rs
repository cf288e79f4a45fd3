//! What the tree leaves out of the source: which brackets pair up and where commas, `*`, `for`
//! and `:` sit. A few of CPython's rules (an unparenthesized generator argument, a bare `*`
//! parameter) and several of its messages depend on them.

use rustpython_parser::lexer::LexResult;
use rustpython_parser::text_size::{TextRange, TextSize};
use rustpython_parser::Tok;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Open(u8),
    Close,
    Comma,
    Star,
    DoubleStar,
    Colon,
    Equal,
    For,
    Async,
    Other,
}

#[derive(Clone, Copy)]
struct Token {
    start: TextSize,
    end: TextSize,
    kind: Kind,
    /// For an opening bracket, the index of the token that closes it.
    pair: u32,
}

#[derive(Default)]
pub(super) struct Tokens {
    tokens: Vec<Token>,
}

impl Tokens {
    /// The tokens up to the first lexical error (the parser reports that one itself).
    pub(super) fn new(lexed: &[LexResult]) -> Tokens {
        let mut tokens = Vec::with_capacity(lexed.len());
        let mut open: Vec<usize> = Vec::new();
        for token in lexed {
            let Ok((tok, range)) = token else { break };
            let kind = match tok {
                Tok::Lpar => Kind::Open(b'('),
                Tok::Lsqb => Kind::Open(b'['),
                Tok::Lbrace => Kind::Open(b'{'),
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => Kind::Close,
                Tok::Comma => Kind::Comma,
                Tok::Star => Kind::Star,
                Tok::DoubleStar => Kind::DoubleStar,
                Tok::Colon => Kind::Colon,
                Tok::Equal => Kind::Equal,
                Tok::For => Kind::For,
                Tok::Async => Kind::Async,
                Tok::Newline | Tok::Indent | Tok::Dedent | Tok::EndOfFile => continue,
                _ => Kind::Other,
            };
            let index = tokens.len();
            match kind {
                Kind::Open(_) => open.push(index),
                Kind::Close => {
                    if let Some(o) = open.pop() {
                        let at: &mut Token = &mut tokens[o];
                        at.pair = u32::try_from(index).unwrap_or(u32::MAX);
                    }
                }
                _ => {}
            }
            tokens.push(Token {
                start: range.start(),
                end: range.end(),
                kind,
                pair: u32::MAX,
            });
        }
        Tokens { tokens }
    }

    /// Index of the first token starting at or after `offset`.
    fn first_from(&self, offset: TextSize) -> usize {
        self.tokens.partition_point(|t| t.start < offset)
    }

    /// The kind and start of the first token at or after `offset`.
    pub(super) fn next(&self, offset: TextSize) -> Option<(Kind, TextSize)> {
        let t = self.tokens.get(self.first_from(offset))?;
        Some((t.kind, t.start))
    }

    /// The kind of the first token at or after `offset` that closes no bracket.
    pub(super) fn after_closes(&self, offset: TextSize) -> Option<Kind> {
        self.tokens[self.first_from(offset)..]
            .iter()
            .find(|t| t.kind != Kind::Close)
            .map(|t| t.kind)
    }

    /// The start of the first token of `kind` at or after `offset`, at any depth.
    pub(super) fn find(&self, offset: TextSize, kind: Kind) -> Option<TextSize> {
        self.tokens[self.first_from(offset)..]
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| t.start)
    }

    /// Whether only closing brackets lie between `offset` and token `close`, and it closes at
    /// or after `offset` (rustpython ends some ranges before their last closing brackets).
    fn closes_at(&self, offset: TextSize, close: usize) -> bool {
        let from = self.first_from(offset);
        close >= from
            && close < self.tokens.len()
            && self.tokens[from..close]
                .iter()
                .all(|t| t.kind == Kind::Close)
    }

    /// Whether `range` is wrapped in a pair of parentheses of its own: `(x)`.
    pub(super) fn grouped(&self, range: TextRange) -> bool {
        let i = self.first_from(range.start());
        let Some(before) = i.checked_sub(1).and_then(|b| self.tokens.get(b)) else {
            return false;
        };
        before.kind == Kind::Open(b'(')
            && usize::try_from(before.pair).is_ok_and(|p| self.closes_at(range.end(), p))
    }

    /// The parentheses around `range` (when `grouped`), as a range of their own.
    pub(super) fn group_around(&self, range: TextRange) -> Option<TextRange> {
        let i = self.first_from(range.start()).checked_sub(1)?;
        let open = self.tokens.get(i)?;
        let close = self.tokens.get(usize::try_from(open.pair).ok()?)?;
        Some(TextRange::new(open.start, close.end))
    }

    /// Whether the bracket opening at `range.start()` is the one that closes `range`.
    pub(super) fn spans(&self, range: TextRange) -> bool {
        let i = self.first_from(range.start());
        self.tokens.get(i).is_some_and(|t| {
            t.start == range.start()
                && matches!(t.kind, Kind::Open(_))
                && usize::try_from(t.pair).is_ok_and(|p| {
                    self.tokens[p].end >= range.end()
                        && (self.tokens[p].start < range.end() || self.closes_at(range.end(), p))
                })
        })
    }

    /// The tokens from `from` to `to` with each bracketed group folded into its opening token.
    pub(super) fn flat(&self, from: TextSize, to: TextSize) -> Vec<(Kind, TextSize)> {
        let mut out = Vec::new();
        let mut i = self.first_from(from);
        while let Some(t) = self.tokens.get(i) {
            if t.start >= to {
                break;
            }
            out.push((t.kind, t.start));
            i = match t.kind {
                Kind::Open(_) => usize::try_from(t.pair).map_or(usize::MAX, |p| p + 1),
                _ => i + 1,
            };
        }
        out
    }

    /// Where the bracket opening at `offset` closes (the start of its closing token).
    pub(super) fn close_of(&self, offset: TextSize) -> Option<TextSize> {
        let t = self.tokens.get(self.first_from(offset))?;
        let pair = self.tokens.get(usize::try_from(t.pair).ok()?)?;
        (t.start == offset).then_some(pair.start)
    }
}
