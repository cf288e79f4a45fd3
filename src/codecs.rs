//! PEP 263 source encodings, read the way CPython 3.11's tokenizer reads them.
//!
//! A file's encoding is UTF-8 unless a *coding cookie* (`# -*- coding: latin-1 -*-`) on line
//! 1, or on line 2 after a blank or comment-only line 1, names another. Worked example:
//!
//! ```text
//! #!/usr/bin/env python          line 1: a comment, so line 2 may still declare
//! # vim: set fileencoding=cp1252 line 2: `coding=` then the name: cp1252
//! ```
//!
//! The name goes through CPython's two normalisations: the tokenizer's own
//! (`get_normal_name`: `UTF_8-x` → `utf-8`, `Latin_1` → `iso-8859-1`, first 12 characters
//! only), then the codec registry's (lower case, runs of punctuation → `_`, then
//! `encodings.aliases`). A UTF-8 BOM admits only a cookie that the tokenizer normalises to
//! `utf-8` (`utf8` with a BOM is CPython's "encoding problem: utf8 with BOM").
//!
//! Decoding and encoding use encoding_rs, whose decoders follow the WHATWG tables. Those
//! agree with CPython's codecs except on a few bytes per code page (`0x81` is undefined in
//! CPython's cp1252, a C1 control for WHATWG): such a byte is refused, since CPython would
//! refuse it too or read it differently. The tables below were taken from python3 3.11 and
//! `tests/codecs.rs` checks them against it. Codecs whose WHATWG namesake differs in
//! multi-byte sequences (Shift_JIS, EUC-JP, Big5, GBK, gb18030, ISO-2022-JP) are not
//! offered: a file declaring one is named, never rewritten.

use std::ops::Range;

use encoding_rs::Encoding;

/// A source encoding CPython accepts and picklefix can reproduce byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Codec {
    /// CPython's codec name (`codecs.lookup(name).name`'s module spelling: `cp1252`).
    pub name: &'static str,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Utf8,
    Latin1,
    Ascii,
    /// A WHATWG single-byte encoding, less the bytes CPython's namesake reads otherwise.
    SingleByte {
        encoding: &'static Encoding,
        refused: &'static [u8],
    },
    /// A multi-byte encoding on which encoding_rs and CPython agree on every sequence.
    MultiByte(&'static Encoding),
}

pub const UTF8: Codec = Codec {
    name: "utf_8",
    kind: Kind::Utf8,
};

/// CPython's single-byte codecs that encoding_rs has, with the WHATWG label and the bytes
/// CPython leaves undefined or maps to another character (generated with python3 3.11).
const SINGLE_BYTE: &[(&str, &str, &[u8])] = &[
    ("cp1250", "windows-1250", &[0x81, 0x83, 0x88, 0x90, 0x98]),
    ("cp1251", "windows-1251", &[0x98]),
    ("cp1252", "windows-1252", &[0x81, 0x8d, 0x8f, 0x90, 0x9d]),
    (
        "cp1253",
        "windows-1253",
        &[
            0x81, 0x88, 0x8a, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x98, 0x9a, 0x9c, 0x9d, 0x9e, 0x9f,
            0xaa, 0xd2, 0xff,
        ],
    ),
    (
        "cp1254",
        "windows-1254",
        &[0x81, 0x8d, 0x8e, 0x8f, 0x90, 0x9d, 0x9e],
    ),
    (
        "cp1255",
        "windows-1255",
        &[
            0x81, 0x8a, 0x8c, 0x8d, 0x8e, 0x8f, 0x90, 0x9a, 0x9c, 0x9d, 0x9e, 0x9f, 0xca, 0xd9,
            0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xfb, 0xfc, 0xff,
        ],
    ),
    ("cp1256", "windows-1256", &[]),
    (
        "cp1257",
        "windows-1257",
        &[
            0x81, 0x83, 0x88, 0x8a, 0x8c, 0x90, 0x98, 0x9a, 0x9c, 0x9f, 0xa1, 0xa5,
        ],
    ),
    (
        "cp1258",
        "windows-1258",
        &[0x81, 0x8a, 0x8d, 0x8e, 0x8f, 0x90, 0x9a, 0x9d, 0x9e],
    ),
    ("cp866", "IBM866", &[]),
    (
        "cp874",
        "windows-874",
        &[
            0x81, 0x82, 0x83, 0x84, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
            0x90, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xdb, 0xdc, 0xdd, 0xde, 0xfc,
            0xfd, 0xfe, 0xff,
        ],
    ),
    ("iso8859_10", "ISO-8859-10", &[]),
    (
        "iso8859_11",
        "windows-874",
        &[
            0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0xdb, 0xdc, 0xdd, 0xde, 0xfc,
            0xfd, 0xfe, 0xff,
        ],
    ),
    ("iso8859_13", "ISO-8859-13", &[]),
    ("iso8859_14", "ISO-8859-14", &[]),
    ("iso8859_15", "ISO-8859-15", &[]),
    ("iso8859_16", "ISO-8859-16", &[]),
    ("iso8859_2", "ISO-8859-2", &[]),
    (
        "iso8859_3",
        "ISO-8859-3",
        &[0xa5, 0xae, 0xbe, 0xc3, 0xd0, 0xe3, 0xf0],
    ),
    ("iso8859_4", "ISO-8859-4", &[]),
    ("iso8859_5", "ISO-8859-5", &[]),
    (
        "iso8859_6",
        "ISO-8859-6",
        &[
            0xa1, 0xa2, 0xa3, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xae, 0xaf, 0xb0, 0xb1,
            0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbc, 0xbd, 0xbe, 0xc0, 0xdb,
            0xdc, 0xdd, 0xde, 0xdf, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc,
            0xfd, 0xfe, 0xff,
        ],
    ),
    ("iso8859_7", "ISO-8859-7", &[0xae, 0xd2, 0xff]),
    (
        "iso8859_8",
        "ISO-8859-8",
        &[
            0xa1, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb,
            0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9,
            0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xfb, 0xfc, 0xff,
        ],
    ),
    (
        "iso8859_9",
        "windows-1254",
        &[
            0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x91, 0x92,
            0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9f,
        ],
    ),
    ("koi8_r", "KOI8-R", &[]),
    ("koi8_u", "KOI8-U", &[0xae, 0xbe]),
    ("mac_cyrillic", "x-mac-cyrillic", &[]),
    ("mac_roman", "macintosh", &[]),
    (
        "tis_620",
        "windows-874",
        &[
            0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0xa0, 0xdb, 0xdc, 0xdd, 0xde,
            0xfc, 0xfd, 0xfe, 0xff,
        ],
    ),
];

/// `encodings.aliases` entries that name a codec above (python3 3.11).
const ALIASES: &[(&str, &str)] = &[
    ("1250", "cp1250"),
    ("1251", "cp1251"),
    ("1252", "cp1252"),
    ("1253", "cp1253"),
    ("1254", "cp1254"),
    ("1255", "cp1255"),
    ("1256", "cp1256"),
    ("1257", "cp1257"),
    ("1258", "cp1258"),
    ("646", "ascii"),
    ("866", "cp866"),
    ("8859", "latin_1"),
    ("949", "cp949"),
    ("ansi_x3.4_1968", "ascii"),
    ("ansi_x3.4_1986", "ascii"),
    ("ansi_x3_4_1968", "ascii"),
    ("arabic", "iso8859_6"),
    ("asmo_708", "iso8859_6"),
    ("cp367", "ascii"),
    ("cp65001", "utf_8"),
    ("cp819", "latin_1"),
    ("csascii", "ascii"),
    ("csibm866", "cp866"),
    ("csisolatin1", "latin_1"),
    ("csisolatin2", "iso8859_2"),
    ("csisolatin3", "iso8859_3"),
    ("csisolatin4", "iso8859_4"),
    ("csisolatin5", "iso8859_9"),
    ("csisolatin6", "iso8859_10"),
    ("csisolatinarabic", "iso8859_6"),
    ("csisolatincyrillic", "iso8859_5"),
    ("csisolatingreek", "iso8859_7"),
    ("csisolatinhebrew", "iso8859_8"),
    ("cskoi8r", "koi8_r"),
    ("cyrillic", "iso8859_5"),
    ("ecma_114", "iso8859_6"),
    ("ecma_118", "iso8859_7"),
    ("elot_928", "iso8859_7"),
    ("greek", "iso8859_7"),
    ("greek8", "iso8859_7"),
    ("hebrew", "iso8859_8"),
    ("ibm367", "ascii"),
    ("ibm819", "latin_1"),
    ("ibm866", "cp866"),
    ("iso646_us", "ascii"),
    ("iso8859", "latin_1"),
    ("iso8859_1", "latin_1"),
    ("iso_646.irv_1991", "ascii"),
    ("iso_8859_1", "latin_1"),
    ("iso_8859_10", "iso8859_10"),
    ("iso_8859_10_1992", "iso8859_10"),
    ("iso_8859_11", "iso8859_11"),
    ("iso_8859_11_2001", "iso8859_11"),
    ("iso_8859_13", "iso8859_13"),
    ("iso_8859_14", "iso8859_14"),
    ("iso_8859_14_1998", "iso8859_14"),
    ("iso_8859_15", "iso8859_15"),
    ("iso_8859_16", "iso8859_16"),
    ("iso_8859_16_2001", "iso8859_16"),
    ("iso_8859_1_1987", "latin_1"),
    ("iso_8859_2", "iso8859_2"),
    ("iso_8859_2_1987", "iso8859_2"),
    ("iso_8859_3", "iso8859_3"),
    ("iso_8859_3_1988", "iso8859_3"),
    ("iso_8859_4", "iso8859_4"),
    ("iso_8859_4_1988", "iso8859_4"),
    ("iso_8859_5", "iso8859_5"),
    ("iso_8859_5_1988", "iso8859_5"),
    ("iso_8859_6", "iso8859_6"),
    ("iso_8859_6_1987", "iso8859_6"),
    ("iso_8859_7", "iso8859_7"),
    ("iso_8859_7_1987", "iso8859_7"),
    ("iso_8859_8", "iso8859_8"),
    ("iso_8859_8_1988", "iso8859_8"),
    ("iso_8859_9", "iso8859_9"),
    ("iso_8859_9_1989", "iso8859_9"),
    ("iso_celtic", "iso8859_14"),
    ("iso_ir_100", "latin_1"),
    ("iso_ir_101", "iso8859_2"),
    ("iso_ir_109", "iso8859_3"),
    ("iso_ir_110", "iso8859_4"),
    ("iso_ir_126", "iso8859_7"),
    ("iso_ir_127", "iso8859_6"),
    ("iso_ir_138", "iso8859_8"),
    ("iso_ir_144", "iso8859_5"),
    ("iso_ir_148", "iso8859_9"),
    ("iso_ir_157", "iso8859_10"),
    ("iso_ir_166", "tis_620"),
    ("iso_ir_199", "iso8859_14"),
    ("iso_ir_226", "iso8859_16"),
    ("iso_ir_6", "ascii"),
    ("l1", "latin_1"),
    ("l10", "iso8859_16"),
    ("l2", "iso8859_2"),
    ("l3", "iso8859_3"),
    ("l4", "iso8859_4"),
    ("l5", "iso8859_9"),
    ("l6", "iso8859_10"),
    ("l7", "iso8859_13"),
    ("l8", "iso8859_14"),
    ("l9", "iso8859_15"),
    ("latin", "latin_1"),
    ("latin1", "latin_1"),
    ("latin10", "iso8859_16"),
    ("latin2", "iso8859_2"),
    ("latin3", "iso8859_3"),
    ("latin4", "iso8859_4"),
    ("latin5", "iso8859_9"),
    ("latin6", "iso8859_10"),
    ("latin7", "iso8859_13"),
    ("latin8", "iso8859_14"),
    ("latin9", "iso8859_15"),
    ("maccyrillic", "mac_cyrillic"),
    ("macintosh", "mac_roman"),
    ("macroman", "mac_roman"),
    ("ms949", "cp949"),
    ("thai", "iso8859_11"),
    ("tis620", "tis_620"),
    ("tis_620_0", "tis_620"),
    ("tis_620_2529_0", "tis_620"),
    ("tis_620_2529_1", "tis_620"),
    ("u8", "utf_8"),
    ("uhc", "cp949"),
    ("us", "ascii"),
    ("us_ascii", "ascii"),
    ("utf", "utf_8"),
    ("utf8", "utf_8"),
    ("utf8_ucs2", "utf_8"),
    ("utf8_ucs4", "utf_8"),
    ("windows_1250", "cp1250"),
    ("windows_1251", "cp1251"),
    ("windows_1252", "cp1252"),
    ("windows_1253", "cp1253"),
    ("windows_1254", "cp1254"),
    ("windows_1255", "cp1255"),
    ("windows_1256", "cp1256"),
    ("windows_1257", "cp1257"),
    ("windows_1258", "cp1258"),
];

/// The codec CPython's registry finds for `name` (after the tokenizer's own normalisation),
/// when picklefix offers it.
pub fn lookup(name: &str) -> Option<Codec> {
    let name = tokenizer_name(name);
    let norm = normalize_encoding(&name.to_ascii_lowercase());
    let alias = alias_of(&norm).or_else(|| alias_of(&norm.replace('.', "_")));
    alias
        .into_iter()
        .chain(std::iter::once(norm.as_str()))
        .find_map(module)
}

/// CPython's `get_normal_name`: the spellings of UTF-8 and Latin-1 the tokenizer knows
/// itself, judged on the first 12 characters.
pub fn tokenizer_name(name: &str) -> &str {
    let buf: String = name
        .chars()
        .take(12)
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if buf == "utf-8" || buf.starts_with("utf-8-") {
        "utf-8"
    } else if ["latin-1", "iso-8859-1", "iso-latin-1"].contains(&buf.as_str())
        || ["latin-1-", "iso-8859-1-", "iso-latin-1-"]
            .iter()
            .any(|p| buf.starts_with(p))
    {
        "iso-8859-1"
    } else {
        name
    }
}

/// Python's `encodings.normalize_encoding` for an ASCII name: runs of characters other than
/// letters, digits and `.` become one `_`, none at either end.
fn normalize_encoding(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut punct = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if punct && !out.is_empty() {
                out.push('_');
            }
            out.push(c);
            punct = false;
        } else {
            punct = true;
        }
    }
    out
}

fn alias_of(norm: &str) -> Option<&'static str> {
    ALIASES.iter().find(|(k, _)| *k == norm).map(|(_, v)| *v)
}

/// The codec of an `encodings` module name.
fn module(name: &str) -> Option<Codec> {
    let (name, kind): (&'static str, Kind) = match name {
        "utf_8" => ("utf_8", Kind::Utf8),
        "utf_8_sig" => ("utf_8_sig", Kind::Utf8),
        "latin_1" | "iso8859_1" => ("latin_1", Kind::Latin1),
        "ascii" => ("ascii", Kind::Ascii),
        "cp949" => ("cp949", Kind::MultiByte(encoding_rs::EUC_KR)),
        _ => {
            let (m, label, refused) = SINGLE_BYTE.iter().find(|(m, _, _)| *m == name)?;
            let encoding = Encoding::for_label(label.as_bytes())?;
            (m, Kind::SingleByte { encoding, refused })
        }
    };
    Some(Codec { name, kind })
}

/// Every codec picklefix offers, by module name (for tests and `--explain`).
pub fn all() -> Vec<Codec> {
    ["utf_8", "utf_8_sig", "latin_1", "ascii", "cp949"]
        .into_iter()
        .chain(SINGLE_BYTE.iter().map(|(m, _, _)| *m))
        .filter_map(module)
        .collect()
}

/// Every alias picklefix resolves, with the module it names.
pub fn aliases() -> &'static [(&'static str, &'static str)] {
    ALIASES
}

/// A coding cookie as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    pub name: String,
    /// 1 or 2.
    pub line: usize,
    /// The name's bytes in the text after the BOM.
    pub range: Range<usize>,
}

/// CPython's tokenizer: a cookie is `coding[:=]` followed by spaces or tabs and a name of
/// letters, digits, `-`, `_`, `.`, in a line whose first non-blank character is `#`; line 2
/// only counts when line 1 holds nothing but blanks or a comment.
pub fn cookie(body: &[u8]) -> Option<Cookie> {
    let mut start = 0;
    for line_no in 1..=2 {
        if start >= body.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &body[start..]).map_or(body.len(), |i| start + i + 1);
        let line = &body[start..end];
        if let Some(r) = coding_spec(line) {
            let name = String::from_utf8_lossy(&line[r.clone()]).into_owned();
            return Some(Cookie {
                name,
                line: line_no,
                range: start + r.start..start + r.end,
            });
        }
        let code = line
            .iter()
            .take_while(|&&b| !matches!(b, b'#' | b'\n' | b'\r'))
            .any(|&b| !matches!(b, b' ' | b'\t' | b'\x0c'));
        if code {
            return None;
        }
        start = end;
    }
    None
}

/// `get_coding_spec`: the range of the encoding name in `line`, if it declares one.
fn coding_spec(s: &[u8]) -> Option<Range<usize>> {
    let size = s.len();
    let mut i = 0;
    while i + 6 < size {
        if s[i] == b'#' {
            break;
        }
        if !matches!(s[i], b' ' | b'\t' | b'\x0c') {
            return None;
        }
        i += 1;
    }
    let at = |k: usize| s.get(k).copied().unwrap_or(0);
    while i + 6 < size {
        if &s[i..i + 6] == b"coding" && matches!(at(i + 6), b':' | b'=') {
            let mut t = i + 7;
            while matches!(at(t), b' ' | b'\t') {
                t += 1;
            }
            let begin = t;
            while at(t).is_ascii_alphanumeric() || matches!(at(t), b'-' | b'_' | b'.') {
                t += 1;
            }
            if begin < t {
                return Some(begin..t);
            }
        }
        i += 1;
    }
    None
}

/// What a file's first bytes declare: its BOM and codec, or why CPython would refuse it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub bom: bool,
    pub codec: Codec,
    /// The cookie's name as written, when there is one.
    pub cookie: Option<String>,
}

pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The BOM and coding cookie of `bytes`, checked the way CPython checks them.
pub fn declared(bytes: &[u8]) -> Result<Declared, String> {
    let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let Some(c) = cookie(body) else {
        return Ok(Declared {
            bom,
            codec: UTF8,
            cookie: None,
        });
    };
    if bom && tokenizer_name(&c.name) != "utf-8" {
        return Err(format!(
            "starts with a UTF-8 BOM but declares encoding `{}` on line {} (CPython: \"encoding problem: {} with BOM\")",
            c.name,
            c.line,
            tokenizer_name(&c.name)
        ));
    }
    match lookup(&c.name) {
        Some(codec) => Ok(Declared {
            bom,
            codec,
            cookie: Some(c.name),
        }),
        None => Err(format!(
            "declares encoding `{}` on line {}, which picklefix cannot read the way CPython does (unknown to CPython, not a text encoding, or one whose byte tables differ from encoding_rs's)",
            c.name, c.line
        )),
    }
}

impl Codec {
    /// Python's name for the codec, as `codecs.lookup(..).name` spells it.
    pub fn python_name(&self) -> String {
        match self.name {
            "utf_8" => "utf-8".into(),
            "latin_1" => "iso8859-1".into(),
            n => n.replace('_', "-"),
        }
    }

    pub fn is_utf8(&self) -> bool {
        self.kind == Kind::Utf8
    }

    /// Whether `body` (after the BOM) is valid in this codec; `Err` names the first bad
    /// byte. The fast check the prefilter path runs on files it never decodes.
    pub fn validate(&self, body: &[u8]) -> Result<(), String> {
        match self.kind {
            Kind::Utf8 => match simdutf8::basic::from_utf8(body) {
                Ok(_) => Ok(()),
                Err(_) => Err(self.utf8_error(body)),
            },
            _ => self.decode(body).map(drop),
        }
    }

    fn utf8_error(&self, body: &[u8]) -> String {
        let at = simdutf8::compat::from_utf8(body)
            .err()
            .map_or(0, |e| e.valid_up_to());
        self.bad_byte(body, at)
    }

    fn bad_byte(&self, body: &[u8], at: usize) -> String {
        let line = body[..at.min(body.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        let byte = body
            .get(at)
            .map_or(String::new(), |b| format!(", 0x{b:02x}"));
        let name = match self.kind {
            Kind::Utf8 => "UTF-8".to_string(),
            _ => self.python_name(),
        };
        format!("not valid {name} (byte offset {at}) at line {line}{byte}")
    }

    /// The text of `body` (after the BOM), exactly as CPython decodes it.
    pub fn decode(&self, body: &[u8]) -> Result<String, String> {
        match self.kind {
            Kind::Utf8 => match simdutf8::basic::from_utf8(body) {
                Ok(s) => Ok(s.to_string()),
                Err(_) => Err(self.utf8_error(body)),
            },
            Kind::Latin1 => Ok(body.iter().map(|&b| char::from(b)).collect()),
            Kind::Ascii => match body.iter().position(|&b| b >= 0x80) {
                Some(at) => Err(self.bad_byte(body, at)),
                None => Ok(String::from_utf8_lossy(body).into_owned()),
            },
            Kind::SingleByte { encoding, refused } => {
                if let Some(at) = body.iter().position(|b| refused.contains(b)) {
                    return Err(self.bad_byte(body, at));
                }
                self.whatwg_decode(encoding, body)
            }
            Kind::MultiByte(encoding) => self.whatwg_decode(encoding, body),
        }
    }

    fn whatwg_decode(&self, encoding: &'static Encoding, body: &[u8]) -> Result<String, String> {
        match encoding.decode_without_bom_handling_and_without_replacement(body) {
            Some(text) => Ok(text.into_owned()),
            None => {
                // Only on failure: find where, by decoding growing prefixes of the lines.
                let mut at = 0;
                for line in body.split_inclusive(|&b| b == b'\n') {
                    let upto = &body[..at + line.len()];
                    if encoding
                        .decode_without_bom_handling_and_without_replacement(upto)
                        .is_none()
                    {
                        break;
                    }
                    at += line.len();
                }
                Err(self.bad_byte(body, at))
            }
        }
    }

    /// The bytes of `text` in this codec (no BOM); `Err` names the first character it
    /// cannot hold, and its line.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, String> {
        if let Some((at, c)) = self.first_unencodable(text) {
            let line = text[..at].matches('\n').count() + 1;
            return Err(format!(
                "`{c}` (U+{:04X}, line {line}) cannot be written in {}",
                c as u32,
                self.python_name()
            ));
        }
        Ok(match self.kind {
            Kind::Utf8 | Kind::Ascii => text.as_bytes().to_vec(),
            Kind::Latin1 => text.chars().map(|c| c as u8).collect(),
            Kind::SingleByte { encoding, .. } | Kind::MultiByte(encoding) => {
                encoding.encode(text).0.into_owned()
            }
        })
    }

    /// The first character of `text` this codec cannot write back the way CPython reads it.
    pub fn first_unencodable(&self, text: &str) -> Option<(usize, char)> {
        match self.kind {
            Kind::Utf8 => None,
            Kind::Ascii => text.char_indices().find(|(_, c)| !c.is_ascii()),
            Kind::Latin1 => text.char_indices().find(|(_, c)| (*c as u32) > 0xFF),
            Kind::SingleByte { encoding, refused } => {
                let mut buf = [0u8; 4];
                text.char_indices()
                    .filter(|(_, c)| !c.is_ascii())
                    .find(|(_, c)| {
                        let (bytes, _, unmappable) = encoding.encode(c.encode_utf8(&mut buf));
                        unmappable || bytes.iter().any(|b| refused.contains(b))
                    })
            }
            Kind::MultiByte(encoding) => {
                let mut buf = [0u8; 4];
                text.char_indices()
                    .filter(|(_, c)| !c.is_ascii())
                    .find(|(_, c)| encoding.encode(c.encode_utf8(&mut buf)).2)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(bytes: &[u8]) -> Option<String> {
        cookie(bytes).map(|c| c.name)
    }

    #[test]
    fn cookies_as_cpython_finds_them() {
        assert_eq!(
            name(b"# -*- coding: latin-1 -*-\n").as_deref(),
            Some("latin-1")
        );
        assert_eq!(
            name(b"#!/usr/bin/python\n# coding=cp1252\n").as_deref(),
            Some("cp1252")
        );
        assert_eq!(
            name(b"\n# vim: set fileencoding=koi8_r :\n").as_deref(),
            Some("koi8_r")
        );
        assert_eq!(
            name(b"  \x0c# coding:\tlatin-1\n").as_deref(),
            Some("latin-1")
        );
        // The first `coding` not followed by `:`/`=` or a name does not end the search.
        assert_eq!(
            name(b"# coding latin-1 coding:cp1252\n").as_deref(),
            Some("cp1252")
        );
        assert_eq!(
            name(b"# coding:\n# coding: cp1252\n").as_deref(),
            Some("cp1252")
        );
        // Line 2 does not count after a line of code; line 3 never counts.
        assert_eq!(name(b"x = 1\n# coding: latin-1\n"), None);
        assert_eq!(name(b"x = 1  # coding: latin-1\n"), None);
        assert_eq!(name(b"#\n#\n# coding: latin-1\n"), None);
        assert_eq!(name(b"#coding:latin-1"), Some("latin-1".into()));
    }

    #[test]
    fn names_normalise_as_in_cpython() {
        for (written, module) in [
            ("latin-1", "latin_1"),
            ("Latin_1", "latin_1"),
            ("iso-latin-1-foo", "latin_1"),
            ("l1", "latin_1"),
            ("8859", "latin_1"),
            ("iso8859.1", "latin_1"),
            ("UTF-8", "utf_8"),
            ("utf-8-sig", "utf_8"),
            ("utf8", "utf_8"),
            ("cp65001", "utf_8"),
            ("windows-1252", "cp1252"),
            ("1252", "cp1252"),
            ("ASCII", "ascii"),
            ("us-ascii", "ascii"),
            ("koi8-u", "koi8_u"),
            ("macintosh", "mac_roman"),
            ("uhc", "cp949"),
        ] {
            assert_eq!(lookup(written).map(|c| c.name), Some(module), "{written}");
        }
        for unknown in [
            "latin.1",
            "nosuch",
            "rot13",
            "hex",
            "utf-16",
            "shift_jis",
            "mbcs",
        ] {
            assert_eq!(lookup(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn bom_admits_only_utf8_cookies() {
        assert!(declared(b"\xEF\xBB\xBF# coding: utf-8-sig\n").is_ok());
        assert!(declared(b"\xEF\xBB\xBF# coding: UTF_8\n").is_ok());
        let err = declared(b"\xEF\xBB\xBF# coding: utf8\n").unwrap_err();
        assert!(err.contains("utf8 with BOM"), "{err}");
        let err = declared(b"\xEF\xBB\xBF# coding: latin-1\n").unwrap_err();
        assert!(err.contains("iso-8859-1 with BOM"), "{err}");
    }

    #[test]
    fn every_codec_round_trips_every_byte_it_accepts() {
        for codec in all() {
            let bytes: Vec<u8> = (1..=255u8).collect();
            let accepted: Vec<u8> = bytes
                .into_iter()
                .filter(|b| codec.decode(&[*b]).is_ok())
                .collect();
            let text = codec.decode(&accepted).unwrap();
            assert_eq!(codec.encode(&text).unwrap(), accepted, "{}", codec.name);
        }
    }
}
