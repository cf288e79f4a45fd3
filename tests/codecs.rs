//! The encoding tables of `src/codecs.rs` against python3 (the oracle): every alias CPython
//! knows resolves to the same codec (or to none, for a codec picklefix does not offer), and
//! every codec decodes each single byte exactly as CPython does or refuses it where CPython
//! does. Also the cookie finder against `compile()` on a set of tricky first lines.

use std::process::Command;

use picklefix::codecs;
use picklefix::source::Source;

fn python(script: &str) -> String {
    let out = Command::new("python3")
        .args(["-c", script])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn aliases_resolve_as_in_cpython() {
    let listing = python(
        "import codecs, encodings.aliases as a\n\
         names = sorted(set(a.aliases) | set(a.aliases.values()))\n\
         for n in names + [n.upper().replace('_', '-') for n in names]:\n\
         \x20   try: print(n, codecs.lookup(n).name)\n\
         \x20   except LookupError: print(n, '-')\n",
    );
    let offered: Vec<String> = codecs::all().iter().map(|c| c.python_name()).collect();
    let mut checked = 0;
    for line in listing.lines() {
        let (name, python_codec) = line.split_once(' ').unwrap();
        let ours = codecs::lookup(name).map(|c| c.python_name());
        // `utf-8-sig` is one of CPython's own, but the tokenizer reads it as utf-8.
        let python_codec = python_codec.replace("utf-8-sig", "utf-8");
        if offered.contains(&python_codec) {
            assert_eq!(ours.as_deref(), Some(python_codec.as_str()), "{name}");
            checked += 1;
        } else {
            assert_eq!(ours, None, "{name} is {python_codec} in CPython");
        }
    }
    assert!(checked > 150, "only {checked} aliases checked");
}

#[test]
fn every_byte_decodes_as_in_cpython() {
    for codec in codecs::all() {
        let name = codec.python_name();
        let table = python(&format!(
            "for b in range(256):\n\
             \x20   try: print(ord(bytes([b]).decode('{name}')))\n\
             \x20   except UnicodeDecodeError: print('-')\n"
        ));
        for (b, want) in table.lines().enumerate() {
            let ours = codec.decode(&[b as u8]).ok();
            let ours = ours.map(|s| s.chars().next().map_or(0, u32::from).to_string());
            let want = (want != "-").then(|| want.to_string());
            // Never read a byte otherwise than CPython; refusing one (where the WHATWG
            // table differs) is allowed, except in the codecs that must be exact.
            let exact = ["utf-8", "iso8859-1", "ascii", "cp1252", "cp1256", "koi8-r"];
            if ours.is_some() || exact.contains(&name.as_str()) {
                assert_eq!(ours, want, "{name} byte 0x{b:02x}");
            }
        }
    }
}

#[test]
fn cookies_are_found_where_cpython_finds_them() {
    let cases: &[&[u8]] = &[
        b"# -*- coding: latin-1 -*-\nx = '\xe9'\n",
        b"#!/usr/bin/python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n",
        b"x = 1\n# coding: latin-1\nx = '\xe9'\n",
        b"# coding latin-1 coding:cp1252\nx = '\x80'\n",
        b"\n# coding: koi8-r\nx = '\xc1'\n",
        b"#\n#\n# coding: latin-1\nx = '\xe9'\n",
        b"\xef\xbb\xbf# coding: utf8\nx = 1\n",
        b"\xef\xbb\xbf# coding: utf-8-sig\nx = 1\n",
        b"# coding: iso-latin-1-foo\nx = '\xe9'\n",
        b"# coding: cp1252\nx = '\x81'\n",
        b"# coding: latin.1\nx = 1\n",
        b"# coding: rot13\nx = 1\n",
        b"  \x0c# coding=mac-roman\nx = '\x8e'\n",
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, bytes) in cases.iter().enumerate() {
        let path = dir.path().join(format!("c{i}.py"));
        std::fs::write(&path, bytes).unwrap();
        let verdict = python(&format!(
            "try:\n    compile(open({path:?}, 'rb').read(), 'f', 'exec')\n    print('ok')\nexcept SyntaxError:\n    print('refused')\n",
            path = path.to_str().unwrap()
        ));
        let cpython_ok = verdict.trim() != "refused";
        let ours = Source::decode(bytes);
        assert_eq!(ours.is_ok(), cpython_ok, "case {i} {bytes:?}: {ours:?}");
    }
}
