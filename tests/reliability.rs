//! Reliability promises (issue 7), checked on many modules rather than a few hand-picked ones.
//!
//! * `generated_modules_keep_every_promise` — proptest composes random Python modules from a
//!   library of snippet templates (classes with stateless / read-only / stateful methods,
//!   helpers, lambdas, local defs, main guards, thread pools, decorators, comments,
//!   docstrings, multi-line strings; CRLF or LF, tabs or spaces (one style per file), BOM or
//!   not, trailing newline or not, identifiers drawn from a small set so that they collide,
//!   builtins like `filter`/`map` among them). For each module, with and without unsafe fixes:
//!   every single fix only changes the bytes of its own edits and re-parses on its own; the fix
//!   loop is never rejected; the fixed text parses with no errors; a second run changes
//!   nothing; CRLF, LF, tab/space indentation, BOM and the trailing newline survive; `run()`
//!   gives the same findings with and without the prefilter and writes exactly the in-memory
//!   result. Every input and output is then parsed (and compiled) by ONE python3 process.
//!   `PROPTEST_CASES=N` raises the number of modules (default 128);
//!   `PICKLEFIX_KEEP_GENERATED=dir` keeps a copy of every generated input and output.
//! * `generated_crlf_modules_with_trailing_comments`, `crlf_kept_when_a_moved_def_ends_in_a_comment`
//!   — CRLF files whose moved `def` ends in a comment inside a nested block (a comment token
//!   includes the `\r`; once it broke the line endings).
//! * `python_check_reports_a_broken_rewrite` — the python3 batch check itself can fail.
//! * `real_modules_keep_the_in_memory_promises` — the same in-memory checks over every fixture,
//!   behaviour case and example (and the corpus files naming a pool when `PICKLEFIX_CORPUS`
//!   points at the shared corpus).
//! * `write_over_fixtures_and_corpus_keeps_python_parsing` — the binary's `--write
//!   --unsafe-fixes` over a copy of every fixture and behaviour case (plus, opt-in, the corpus
//!   files naming `Pool`, `Executor` or `Process`): changed files still parse and compile with
//!   python3 and keep BOM, newline style and trailing newline; a file changes only when the
//!   JSON output offered an applicable fix for it, and one with such a fix changes or is
//!   reported; nothing else appears in the tree; a second run changes nothing.
//! * `deep_nesting_*` — 100,000 nested parentheses, 50,000 chained `+` (each once at module
//!   level and once inside a lambda that gets lifted), 500 / 4,000 / 5,000 nested `if`s:
//!   `run()` and the binary (`--write --unsafe-fixes`) finish without a panic or a signal,
//!   exit 0 or 2, and anything written parses. (tree-sitter-python reports a syntax error
//!   past roughly 500 indentation levels, so the deepest `if` files are refused as such.)

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

use picklefix::check::{analyze, fix_all, Finding};
use picklefix::edit::{apply_edits, Applicability, Edit};
use picklefix::hierarchy::AnalysisScope;
use picklefix::index::{self, ProjectIndex};
use picklefix::parse::{error_count, parse};
use picklefix::project;
use picklefix::settings::{Mode, Settings};
use picklefix::source::Source;

// ---------------------------------------------------------------------------------------
// Module generator
// ---------------------------------------------------------------------------------------

/// Function and method names: small on purpose so names collide (with each other, with
/// module functions, with builtins and with the names picklefix invents).
const NAMES: &[&str] = &[
    "work", "scale", "filter", "map", "helper", "_clean", "__secret", "render", "größe", "job",
];
const CLASSES: &[&str] = &["Job", "Worker", "Scaler"];
const DISPATCH: &[&str] = &["run", "go", "work"];
const LOCALS: &[&str] = &["inner", "work", "filter", "k"];

/// The imports of a `Words::ProcessOnly` module.
const PROCESS_IMPORTS: &[&str] = &[
    "import asyncio",
    "import functools",
    "import multiprocessing",
    "import multiprocessing as mp",
    "import threading",
    "from multiprocessing import Process",
    "from functools import partial",
    "from multiprocessing import get_context",
];

const IMPORTS: &[&str] = &[
    "import asyncio",
    "import functools",
    "import multiprocessing",
    "import multiprocessing as mp",
    "import threading",
    "from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor",
    "from functools import partial",
    "from multiprocessing import Pool, Process",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Indent {
    Four,
    Two,
    Tab,
}

impl Indent {
    fn unit(self) -> &'static str {
        match self {
            Indent::Four => "    ",
            Indent::Two => "  ",
            Indent::Tab => "\t",
        }
    }
}

#[derive(Debug, Clone)]
struct Style {
    indent: Indent,
    crlf: bool,
    bom: bool,
    trailing_newline: bool,
    /// 0 nothing, 1 a coding cookie, 2 a shebang and a coding cookie, 3 a latin-1 cookie
    /// (the file in latin-1), 4 a shebang and a cp1252 cookie (the file in cp1252).
    preamble: u8,
}

#[derive(Debug, Clone)]
struct Method {
    name: usize,
    kind: u8,
    /// Another name the body refers to (a helper method or module function).
    other: usize,
    comment: bool,
}

#[derive(Debug, Clone)]
struct Dispatch {
    name: usize,
    site: u8,
    callable: u8,
    target: usize,
    local: usize,
    /// 0 nothing, 1 `# picklefix: ignore[PF001]`, 2 `# noqa: PF002`, 3 a plain comment.
    trailer: u8,
}

#[derive(Debug, Clone)]
struct Class {
    name: usize,
    /// 0 none, 1 `object`, 2.. another class of the set.
    base: u8,
    decorator: u8,
    doc: bool,
    /// 0 no `__init__`, 1 lock + factor, 2 + a Pool, 3 + a ProcessPoolExecutor.
    init: u8,
    limit_attr: bool,
    methods: Vec<Method>,
    dispatch: Vec<Dispatch>,
}

#[derive(Debug, Clone)]
enum Item {
    Class(Class),
    Func {
        name: usize,
        kind: u8,
        d: Dispatch,
    },
    MainGuard {
        name: usize,
        site: u8,
    },
    Comment(u8),
    MultiString(u8),
    Subclass {
        name: usize,
        base: usize,
        method: usize,
    },
    Assign {
        name: usize,
        value: u8,
    },
    ThreadUse,
}

#[derive(Debug, Clone)]
struct Module {
    style: Style,
    /// Bit i set: `IMPORTS[i]` is imported.
    imports: u8,
    docstring: bool,
    words: Words,
    items: Vec<Item>,
}

/// Which pool words a module may contain: the prefilter decides on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Words {
    All,
    /// Only `Process` (and `run_in_executor`): no `Pool`, no `ProcessPoolExecutor`.
    ProcessOnly,
    /// None at all: the prefilter skips the file.
    Quiet,
}

fn style() -> impl Strategy<Value = Style> {
    (0u8..3, any::<bool>(), any::<bool>(), any::<bool>(), 0u8..5).prop_map(
        |(indent, crlf, bom, trailing_newline, preamble)| Style {
            indent: [Indent::Four, Indent::Two, Indent::Tab][indent as usize],
            crlf,
            // CPython refuses a BOM with any cookie but UTF-8's.
            bom: bom && preamble < 3,
            // Most real files end with a newline.
            trailing_newline: trailing_newline || preamble == 0,
            preamble,
        },
    )
}

fn method() -> impl Strategy<Value = Method> {
    (0..NAMES.len(), 0u8..23, 0..NAMES.len(), any::<bool>()).prop_map(
        |(name, kind, other, comment)| Method {
            name,
            kind,
            other,
            comment,
        },
    )
}

fn dispatch() -> impl Strategy<Value = Dispatch> {
    (
        0..DISPATCH.len(),
        // Every site kind, the common executor and Pool calls more often.
        (0u8..24).prop_map(|s| {
            if s < 16 {
                s
            } else {
                [0, 2, 1, 5][s as usize % 4]
            }
        }),
        // Every callable kind, a plain bound method (the main case) more often.
        (0u8..24).prop_map(|c| {
            if c < 15 {
                c
            } else {
                [0, 0, 1, 9][c as usize % 4]
            }
        }),
        0..NAMES.len(),
        0..LOCALS.len(),
        prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8), 1 => Just(3u8)],
    )
        .prop_map(|(name, site, callable, target, local, trailer)| Dispatch {
            name,
            site,
            callable,
            target,
            local,
            trailer,
        })
}

fn class() -> impl Strategy<Value = Class> {
    (
        0..CLASSES.len(),
        0u8..5,
        0u8..3,
        any::<bool>(),
        0u8..4,
        any::<bool>(),
        prop::collection::vec(method(), 0..5),
        prop::collection::vec(dispatch(), 0..4),
    )
        .prop_map(
            |(name, base, decorator, doc, init, limit_attr, methods, dispatch)| Class {
                name,
                base,
                decorator,
                doc,
                init,
                limit_attr,
                methods,
                dispatch,
            },
        )
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        5 => class().prop_map(Item::Class),
        3 => (0..NAMES.len(), 0u8..4, dispatch())
            .prop_map(|(name, kind, d)| Item::Func { name, kind, d }),
        1 => (0..NAMES.len(), 0u8..3).prop_map(|(name, site)| Item::MainGuard { name, site }),
        1 => (0u8..4).prop_map(Item::Comment),
        1 => (0u8..3).prop_map(Item::MultiString),
        1 => (0..CLASSES.len(), 0..CLASSES.len(), 0..NAMES.len())
            .prop_map(|(name, base, method)| Item::Subclass { name, base, method }),
        1 => (0..NAMES.len(), 0u8..4).prop_map(|(name, value)| Item::Assign { name, value }),
        1 => Just(Item::ThreadUse),
    ]
}

/// `crlf`: `Some(true)` forces CRLF files.
fn module(crlf: Option<bool>) -> impl Strategy<Value = Module> {
    (
        style().prop_map(move |mut s| {
            s.crlf = crlf.unwrap_or(s.crlf);
            s
        }),
        // Each import with probability 3/4.
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| a | b),
        any::<bool>(),
        prop_oneof![6 => Just(Words::All), 1 => Just(Words::ProcessOnly), 1 => Just(Words::Quiet)],
        prop::collection::vec(item(), 1..8),
    )
        .prop_map(move |(style, imports, docstring, words, items)| Module {
            style,
            imports,
            docstring,
            words,
            items,
        })
}

/// One line of generated source: indented code, or raw bytes inside a multi-line string.
enum Line {
    Code(usize, String),
    Raw(String),
}

struct Out {
    lines: Vec<Line>,
}

impl Out {
    fn code(&mut self, level: usize, text: impl Into<String>) {
        self.lines.push(Line::Code(level, text.into()));
    }
    fn raw(&mut self, text: impl Into<String>) {
        self.lines.push(Line::Raw(text.into()));
    }
    fn blank(&mut self) {
        self.lines.push(Line::Raw(String::new()));
    }
}

/// The callable expression handed to a pool; may add lines before the call site.
fn callable(d: &Dispatch, class: Option<&str>, out: &mut Out, level: usize) -> String {
    let t = NAMES[d.target];
    let local = LOCALS[d.local];
    let recv = if class.is_some() { "self." } else { "" };
    match d.callable {
        0 => format!("{recv}{t}"),
        1 => format!("partial({recv}{t}, 1)"),
        2 => format!("functools.partial({recv}{t})"),
        3 => "lambda x: x + 1".to_string(),
        4 => {
            out.code(level, "k = len(xs)");
            "lambda x, *rest: x * k".to_string()
        }
        5 => {
            out.code(level, format!("def {local}(x):"));
            out.code(level + 1, "return x - 1");
            local.to_string()
        }
        6 => {
            out.code(level, "n = 2");
            out.code(level, format!("def {local}(x):"));
            out.code(level + 1, "return x * n");
            local.to_string()
        }
        7 => t.to_string(),
        8 => format!("{}.{t}", class.unwrap_or("Job")),
        9 => {
            out.code(level, format!("fn = {recv}{t}"));
            "fn".to_string()
        }
        10 => {
            out.code(level, "class Local:");
            out.code(level + 1, format!("def {t}(self, x):"));
            out.code(level + 2, "return x");
            format!("Local().{t}")
        }
        11 => "abs".to_string(),
        12 => format!("({recv}{t})"),
        13 => {
            // The local name equals the method's: a rerouted reference must not capture it.
            out.code(level, format!("{t} = partial({recv}{t}, q=1)"));
            t.to_string()
        }
        _ => "lambda x: (x, [y for y in range(x)])".to_string(),
    }
}

/// A pool call site using `c`, at `level` (inside a function body).
fn site(site: u8, c: &str, in_class: bool, trailer: &str, out: &mut Out, level: usize) {
    let l = level;
    match site {
        0 => {
            out.code(l, "with ProcessPoolExecutor() as ex:");
            out.code(l + 1, format!("return list(ex.map({c}, xs)){trailer}"));
        }
        1 => {
            out.code(l, "with ProcessPoolExecutor(max_workers=2) as ex:");
            out.code(l + 1, format!("fut = ex.submit({c}, xs[0]){trailer}"));
            out.code(l + 1, "return fut.result()");
        }
        2 => {
            out.code(l, "with Pool(2) as p:");
            out.code(l + 1, format!("return p.map({c}, xs){trailer}"));
        }
        3 => {
            out.code(l, "with mp.Pool(2) as p:");
            out.code(
                l + 1,
                format!("r = p.apply_async({c}, (1,), callback=print){trailer}"),
            );
            out.code(l + 1, "return r.get()");
        }
        4 => {
            // callback= runs in the parent: never pickled.
            out.code(l, "with multiprocessing.Pool() as p:");
            out.code(
                l + 1,
                format!("return p.map_async(abs, xs, callback={c}){trailer}"),
            );
        }
        5 => {
            out.code(l, "with multiprocessing.Pool(processes=2) as pool:");
            out.code(
                l + 1,
                format!("return list(pool.imap_unordered({c}, xs, 4)){trailer}"),
            );
        }
        6 => {
            out.code(l, format!("with Pool(2, initializer={c}) as p:{trailer}"));
            out.code(l + 1, "return p.starmap(max, [(1, 2)])");
        }
        7 => {
            out.code(l, format!("proc = Process(target={c}, args=(1,)){trailer}"));
            out.code(l, "proc.start()");
            out.code(l, "proc.join()");
        }
        8 => {
            out.code(l, "ctx = multiprocessing.get_context(\"fork\")");
            out.code(l, format!("proc = ctx.Process(target={c}){trailer}"));
            out.code(l, "proc.start()");
        }
        9 => {
            out.code(l, "with ThreadPoolExecutor() as ex:");
            out.code(l + 1, format!("return list(ex.map({c}, xs)){trailer}"));
        }
        10 => {
            let recv = if in_class { "self.pool" } else { "pool" };
            out.code(l, format!("return {recv}.map({c}, xs){trailer}"));
        }
        11 => {
            let ex = if in_class { "self.ex" } else { "None" };
            out.code(l, "loop = asyncio.get_event_loop()");
            out.code(
                l,
                format!("return loop.run_in_executor({ex}, {c}, 1){trailer}"),
            );
        }
        12 => {
            out.code(
                l,
                "ex = ProcessPoolExecutor(mp_context=mp.get_context(\"spawn\"))",
            );
            out.code(l, "try:");
            out.code(
                l + 1,
                format!("return [f.result() for f in [ex.submit({c}, x) for x in xs]]{trailer}"),
            );
            out.code(l, "finally:");
            out.code(l + 1, "ex.shutdown()");
        }
        13 => {
            out.code(l, "from multiprocessing.dummy import Pool as ThreadPool");
            out.code(l, "with ThreadPool(2) as tp:");
            out.code(l + 1, format!("return tp.map({c}, xs){trailer}"));
        }
        14 => {
            out.code(l, "def inner(pool: ProcessPoolExecutor):");
            out.code(l + 1, format!("return list(pool.map({c}, xs)){trailer}"));
            out.code(l, "return inner(None)");
        }
        _ => {
            out.code(l, "with ProcessPoolExecutor() as ex:");
            out.code(l + 1, "futures = [");
            out.code(l + 2, format!("ex.submit({c}, x){trailer}"));
            out.code(l + 2, "for x in xs");
            out.code(l + 1, "]");
            out.code(l + 1, "return [f.result() for f in futures]");
        }
    }
}

/// A comment at the end of the pool call's line.
fn trailer(t: u8, g: Gen) -> &'static str {
    let words = g.words;
    match t {
        1 => "  # picklefix: ignore[PF001]",
        2 => "  # noqa: PF002",
        3 if words == Words::All => "  # a comment naming Pool, ✓",
        3 => "  # a comment, ✓",
        _ => "",
    }
}

/// What the whole module's rendering must respect.
#[derive(Clone, Copy)]
struct Gen {
    words: Words,
}

/// The call sites a module may use.
fn site_for(site: u8, words: Words) -> u8 {
    match words {
        Words::ProcessOnly => [7, 8, 11][site as usize % 3],
        _ => site,
    }
}

fn multi_string(out: &mut Out, level: usize, variant: u8, assign: &str) {
    let (open, close) = match variant {
        1 => ("r'''", "'''"),
        _ => ("\"\"\"", "\"\"\""),
    };
    out.code(level, format!("{assign}{open}first line {{x}}"));
    out.raw("        eight spaces");
    out.raw("\ttab inside the string");
    out.raw("no indent, café");
    out.raw("");
    out.raw(format!("    four spaces then the end{close}"));
}

fn method_lines(m: &Method, class: &str, out: &mut Out) {
    let name = NAMES[m.name];
    let other = NAMES[m.other];
    let l = 1;
    if m.comment {
        out.code(l, format!("# {name}: what it does (pool-free comment) →"));
    }
    match m.kind {
        8 => {
            out.code(l, "@staticmethod");
            out.code(l, format!("def {name}(x):"));
            out.code(l + 1, "return x");
            return;
        }
        9 => {
            out.code(l, "@classmethod");
            out.code(l, format!("def {name}(cls, x):"));
            out.code(l + 1, "return cls, x");
            return;
        }
        11 => out.code(l, "@functools.lru_cache(maxsize=None)"),
        _ => {}
    }
    match m.kind {
        15 => out.code(l, format!("def {name}(self, x, k=LIMIT):")),
        16 => out.code(
            l,
            format!("def {name}(self, x: int, *args, flag=True, **kw) -> int:"),
        ),
        21 => out.code(l, "def __getstate__(self):"),
        _ => out.code(l, format!("def {name}(self, x):")),
    }
    let b = l + 1;
    match m.kind {
        0 | 11 => out.code(b, "return x * 2"),
        1 => {
            out.code(b, "# scale it ✓");
            out.code(b, "y = x + 1");
            out.code(b, "return y");
        }
        2 => {
            out.code(b, "\"\"\"Doubles x: Größe.\"\"\"");
            out.code(b, "return x + x");
        }
        3 => {
            multi_string(out, b, (m.other % 2) as u8, "text = ");
            out.code(b, "return text.format(x=x)");
        }
        4 => out.code(b, format!("return self.{other}(x)")),
        5 => out.code(b, "return x * self.factor"),
        6 => {
            out.code(b, "self.count = x");
            out.code(b, "return x");
        }
        7 => out.code(b, format!("return super().{name}(x)")),
        10 => out.code(b, "raise NotImplementedError"),
        12 => out.code(b, "return list(filter(None, map(str, [x])))"),
        13 => out.code(b, format!("return {other}(x)")),
        14 => {
            out.code(b, "def inner(y):");
            out.code(b + 1, "return y + 1");
            out.code(b, "return inner(x)");
        }
        15 => out.code(b, "return x + k"),
        16 => {
            out.code(b, "if flag:");
            out.code(b + 1, "return x + len(args) + len(kw)");
            out.code(b, "return -x");
        }
        17 => out.code(b, "return __class__, x"),
        18 => {
            out.code(b, "with self.lock:");
            out.code(b + 1, "return x");
        }
        19 => {
            out.code(b, "global COUNTER");
            out.code(b, "COUNTER = x");
            out.code(b, "return x");
        }
        20 => {
            out.code(b, "self.factor = x");
            out.code(b, "return x");
        }
        21 => out.code(b, "return {}"),
        22 => {
            // Ends inside a nested block, on a line with a comment.
            out.code(b, "if x:");
            out.code(b + 1, "return x * 2  # the end");
        }
        _ => out.code(b, format!("return {class}.__name__, x")),
    }
}

fn class_lines(c: &Class, g: Gen, out: &mut Out) {
    let words = g.words;
    let name = CLASSES[c.name];
    match c.decorator {
        1 => out.code(0, "@functools.total_ordering"),
        2 => {
            out.code(0, "@register(");
            out.code(1, "\"x\",");
            out.code(0, ")");
        }
        _ => {}
    }
    let base = match c.base {
        0 => String::new(),
        1 => "(object)".to_string(),
        b => format!("({})", CLASSES[(c.name + b as usize) % CLASSES.len()]),
    };
    out.code(0, format!("class {name}{base}:"));
    let mut empty = true;
    if c.doc {
        out.code(1, "\"\"\"A class: instances hold a lock.\"\"\"");
        empty = false;
    }
    if c.limit_attr {
        out.code(1, "LIMIT = 3");
        empty = false;
    }
    if c.init > 0 {
        out.blank();
        out.code(1, "def __init__(self):");
        out.code(2, "self.lock = threading.Lock()");
        out.code(2, "self.factor = 3");
        if words == Words::All {
            match c.init {
                2 => out.code(2, "self.pool = Pool(2)"),
                3 => out.code(2, "self.ex = ProcessPoolExecutor()"),
                _ => {}
            }
        }
        empty = false;
    }
    for m in &c.methods {
        out.blank();
        method_lines(m, name, out);
        empty = false;
    }
    if words != Words::Quiet {
        for d in &c.dispatch {
            out.blank();
            out.code(1, format!("def {}(self, xs):", DISPATCH[d.name]));
            // Mostly hand over one of the class's own methods (else a name it may lack).
            let mut d = d.clone();
            if !c.methods.is_empty() && d.target % 4 != 0 {
                d.target = c.methods[d.target % c.methods.len()].name;
            }
            let c_expr = callable(&d, Some(name), out, 2);
            let t = trailer(d.trailer, g);
            site(site_for(d.site, words), &c_expr, true, t, out, 2);
            empty = false;
        }
    }
    if empty {
        out.code(1, "pass");
    }
}

fn render(m: &Module) -> Vec<u8> {
    let mut out = Out { lines: Vec::new() };
    match m.style.preamble {
        1 => out.code(0, "# -*- coding: utf-8 -*-"),
        2 => {
            out.code(0, "#!/usr/bin/env python3");
            out.code(0, "# coding=utf-8");
        }
        3 => out.code(0, "# -*- coding: latin-1 -*-"),
        4 => {
            out.code(0, "#!/usr/bin/env python3");
            out.code(0, "# vim: set fileencoding=cp1252 :");
        }
        _ => {}
    }
    if m.docstring {
        out.code(0, "\"\"\"A generated module (café).\"\"\"");
    }
    let imports = match m.words {
        Words::All => IMPORTS,
        Words::ProcessOnly => PROCESS_IMPORTS,
        Words::Quiet => &[],
    };
    for (i, imp) in imports.iter().enumerate() {
        if m.imports & (1 << i) != 0 {
            out.code(0, *imp);
        }
    }
    let quiet = m.words == Words::Quiet;
    let g = Gen { words: m.words };
    out.blank();
    for item in &m.items {
        out.blank();
        out.blank();
        match item {
            Item::Class(c) => class_lines(c, g, &mut out),
            Item::Func { name, kind, d } => {
                let f = NAMES[*name];
                let (t, st) = (trailer(d.trailer, g), site_for(d.site, m.words));
                match (kind, quiet) {
                    (0, _) | (_, true) => {
                        out.code(0, format!("def {f}(x):"));
                        out.code(1, "return x + 1");
                    }
                    (1, _) => {
                        out.code(0, "@functools.wraps(print)");
                        out.code(0, format!("def {f}(xs):"));
                        let c = callable(d, None, &mut out, 1);
                        site(st, &c, false, t, &mut out, 1);
                    }
                    (2, _) => {
                        out.code(0, format!("async def {f}(xs):"));
                        out.code(1, "\"\"\"Awaits a pool.\"\"\"");
                        let c = callable(d, None, &mut out, 1);
                        site(st, &c, false, t, &mut out, 1);
                    }
                    _ => {
                        out.code(0, format!("def {f}(xs, *, flag=False):"));
                        let c = callable(d, None, &mut out, 1);
                        site(st, &c, false, t, &mut out, 1);
                    }
                }
            }
            Item::MainGuard { name, site } => {
                let f = NAMES[*name];
                out.code(0, "if __name__ == \"__main__\":");
                out.code(1, format!("def {f}(x):"));
                out.code(2, "return x ** 3");
                out.blank();
                let site = match m.words {
                    Words::All => *site,
                    Words::ProcessOnly => 3,
                    Words::Quiet => 4,
                };
                match site {
                    0 => {
                        out.code(1, "with Pool(2) as p:");
                        out.code(2, format!("print(p.map({f}, [1, 2, 3]))"));
                    }
                    1 => {
                        out.code(1, "with ProcessPoolExecutor() as ex:");
                        out.code(2, format!("print(list(ex.map({f}, [1, 2, 3])))"));
                    }
                    2 => {
                        out.code(1, "with ThreadPoolExecutor() as ex:");
                        out.code(2, format!("print(list(ex.map({f}, [1, 2, 3])))"));
                    }
                    3 => {
                        out.code(
                            1,
                            format!("proc = multiprocessing.Process(target={f}, args=(1,))"),
                        );
                        out.code(1, "proc.start()");
                    }
                    _ => out.code(1, format!("print({f}(2))")),
                }
            }
            Item::Comment(v) => match v {
                0 => out.code(0, "# A comment block: nothing to see."),
                1 if m.words == Words::All => {
                    out.code(0, "# Uses a Pool of ProcessPoolExecutor workers ✓")
                }
                2 => out.code(0, "ProcessError = RuntimeError  # not a pool"),
                _ => out.code(0, "LIMIT = 3  # café"),
            },
            Item::MultiString(v) => multi_string(&mut out, 0, *v, "TEMPLATE = "),
            Item::Subclass { name, base, method } => {
                out.code(0, format!("class {}({}):", CLASSES[*name], CLASSES[*base]));
                out.code(1, format!("def {}(self, x):", NAMES[*method]));
                out.code(2, "return -x");
            }
            Item::Assign { name, value } => {
                let v = ["None", "3", "len", "print"][*value as usize % 4];
                out.code(0, format!("{} = {v}", NAMES[*name]));
            }
            Item::ThreadUse => {
                if m.words != Words::All {
                    out.code(0, "pass");
                } else {
                    out.code(0, "with ThreadPoolExecutor() as ex:");
                    out.code(1, "list(ex.map(lambda x: x, [1]))");
                }
            }
        }
    }
    while matches!(out.lines.last(), Some(Line::Raw(s)) if s.is_empty()) {
        out.lines.pop();
    }
    let nl = if m.style.crlf { "\r\n" } else { "\n" };
    let unit = m.style.indent.unit();
    let mut text = String::new();
    for (i, line) in out.lines.iter().enumerate() {
        if i > 0 {
            text.push_str(nl);
        }
        match line {
            Line::Code(level, s) => {
                text.push_str(&unit.repeat(*level));
                text.push_str(s);
            }
            Line::Raw(s) => text.push_str(s),
        }
    }
    if m.style.trailing_newline {
        text.push_str(nl);
    }
    let mut bytes = Vec::new();
    if m.style.bom {
        bytes.extend_from_slice(b"\xEF\xBB\xBF");
    }
    match m.style.preamble {
        // In the declared encoding; what it cannot hold (`✓`) becomes `?`.
        3 => bytes.extend(
            text.chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')),
        ),
        4 => {
            let cp1252 = picklefix::codecs::lookup("cp1252").unwrap();
            for c in text.chars() {
                let mut buf = [0u8; 4];
                let s = c.encode_utf8(&mut buf);
                bytes.extend(cp1252.encode(s).unwrap_or_else(|_| b"?".to_vec()));
            }
        }
        _ => bytes.extend_from_slice(text.as_bytes()),
    }
    bytes
}

// ---------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------

fn settings(unsafe_fixes: bool) -> Settings {
    Settings {
        unsafe_fixes,
        ..Settings::default()
    }
}

/// `edits` are sorted, disjoint, inside `text` and on character boundaries, and applying
/// them keeps every byte between them: the output is exactly the original gaps and the
/// edit contents, in order.
fn check_edits_keep_other_bytes(text: &str, edits: &[Edit]) -> Result<(), String> {
    let out = apply_edits(text, edits);
    let (mut old, mut new) = (0usize, 0usize);
    for e in edits {
        if e.range.start < old || e.range.end < e.range.start || e.range.end > text.len() {
            return Err(format!(
                "edit {:?} is out of order, inverted or past the end ({} bytes)",
                e.range,
                text.len()
            ));
        }
        if !text.is_char_boundary(e.range.start) || !text.is_char_boundary(e.range.end) {
            return Err(format!("edit {:?} splits a character", e.range));
        }
        let gap = &text[old..e.range.start];
        if !out.as_bytes()[new..].starts_with(gap.as_bytes()) {
            return Err(format!(
                "bytes {old}..{} changed outside the edits",
                e.range.start
            ));
        }
        new += gap.len();
        if !out.as_bytes()[new..].starts_with(e.content.as_bytes()) {
            return Err(format!("edit {:?} content not in place", e.range));
        }
        new += e.content.len();
        old = e.range.end;
    }
    if out.as_bytes()[new..] != text.as_bytes()[old..] {
        return Err(format!("bytes {old}.. after the last edit changed"));
    }
    Ok(())
}

fn is_all_crlf(text: &str) -> bool {
    let b = text.as_bytes();
    b.contains(&b'\n')
        && b.iter()
            .enumerate()
            .all(|(i, &c)| c != b'\n' || (i > 0 && b[i - 1] == b'\r'))
}

/// The character a file indents its code with, when only one is used.
fn indent_of(text: &str) -> Option<char> {
    let tabs = text.lines().any(|l| l.starts_with('\t'));
    let spaces = text.lines().any(|l| l.starts_with(' '));
    match (tabs, spaces) {
        (true, false) => Some('\t'),
        (false, true) => Some(' '),
        _ => None,
    }
}

/// Everything that can be checked on one text in memory; `indent` is the character the
/// file's code is indented with, when known. Returns the fixed text.
fn check_text(text: &str, unsafe_fixes: bool, indent: Option<char>) -> Result<String, String> {
    let s = settings(unsafe_fixes);
    let min = s.min_applicability();
    let alone = AnalysisScope::alone(std::path::Path::new("m.py"));
    let findings = analyze(text, &s, &alone)?;
    for f in &findings {
        if f.range.start > f.range.end || f.range.end > text.len() {
            return Err(format!("finding range {:?} outside the text", f.range));
        }
        let Some(fix) = &f.fix else { continue };
        check_edits_keep_other_bytes(text, &fix.edits)
            .map_err(|e| format!("fix `{}` for `{}`: {e}", fix.message, f.message))?;
        if fix.applicability < min || fix.applicability == Applicability::DisplayOnly {
            continue;
        }
        let alone = apply_edits(text, &fix.edits);
        let errors = parse(&alone).map_or(usize::MAX, |t| error_count(&t));
        if errors != 0 {
            return Err(format!(
                "fix `{}` applied alone leaves {errors} syntax errors:\n{alone}",
                fix.message
            ));
        }
    }
    let fixed = fix_all(text, &findings, &s, &alone);
    if let Some(why) = &fixed.rejected {
        return Err(format!("the fix loop was rejected: {why}"));
    }
    let errors = parse(&fixed.text).map_or(usize::MAX, |t| error_count(&t));
    if errors != 0 {
        return Err(format!(
            "fixed text has {errors} syntax errors:\n{}",
            fixed.text
        ));
    }
    let again = analyze(&fixed.text, &s, &alone)
        .map_err(|e| format!("fixed text no longer analyses: {e}\n{}", fixed.text))?;
    let second = fix_all(&fixed.text, &again, &s, &alone);
    if second.text != fixed.text || second.fixes_applied != 0 {
        return Err(format!(
            "second run is not a no-op ({} more fixes):\n--- first\n{}\n--- second\n{}",
            second.fixes_applied, fixed.text, second.text
        ));
    }
    // Newline style, trailing newline, indentation style.
    let out = &fixed.text;
    if is_all_crlf(text) && !is_all_crlf(out) {
        return Err(format!("CRLF input got LF line endings:\n{out:?}"));
    }
    if !text.contains('\r') && out.contains('\r') {
        return Err(format!("LF input got a CR:\n{out:?}"));
    }
    if text.ends_with('\n') != out.ends_with('\n') {
        return Err(format!("trailing newline not kept:\n{out:?}"));
    }
    // A line indented in the other style may only be one the input already had (a line
    // inside a multi-line string keeps its bytes).
    let input_lines: BTreeSet<&str> = text.lines().collect();
    let foreign_char = match indent {
        Some('\t') => Some(' '),
        Some(_) => Some('\t'),
        None => None,
    };
    for line in out.lines() {
        let foreign = foreign_char.is_some_and(|c| line.starts_with(c));
        if foreign && !input_lines.contains(line) {
            return Err(format!(
                "new line indented in the other style: {line:?}\n{out}"
            ));
        }
    }
    Ok(fixed.text)
}

type FindingKey = (
    usize,
    usize,
    &'static str,
    String,
    Option<String>,
    Option<String>,
);

fn keys(findings: &[Finding]) -> Vec<FindingKey> {
    findings
        .iter()
        .map(|f| {
            (
                f.range.start,
                f.range.end,
                f.rule.code(),
                f.message.clone(),
                f.reason.clone(),
                f.fix.as_ref().map(|x| format!("{:?}", x.edits)),
            )
        })
        .collect()
}

/// `run()` over the file on disk: same findings with and without the prefilter, and
/// `--write` leaves exactly the in-memory result (with the BOM restored). The in-memory
/// result is computed with the run's own cross-file class index over this one file (which
/// may, by design, refuse more than `NoOverrides`: it matches class names loosely).
/// Returns whether the prefilter skipped the file, and the number of findings.
fn check_run(dir: &Path, bytes: &[u8]) -> Result<(bool, usize), String> {
    let path = dir.join("m.py");
    fs::write(&path, bytes).map_err(|e| e.to_string())?;
    let source = Source::decode(bytes)?;
    let canonical = index::canonical(&path);
    let scope = AnalysisScope {
        index: Arc::new(ProjectIndex::new(
            Some(project::locate(&path)),
            vec![index::FileScan::of(canonical.clone(), bytes)],
        )),
        path: canonical,
    };
    let s = settings(false);
    let findings = analyze(&source.text, &s, &scope)?;
    let expected_safe = fix_all(&source.text, &findings, &s, &scope).text;
    let mut by_prefilter = Vec::new();
    let mut skipped = false;
    for prefilter in [true, false] {
        let run = picklefix::run(&Settings {
            paths: vec![path.clone()],
            prefilter,
            ..Settings::default()
        });
        if prefilter {
            skipped = run.files.is_empty();
        }
        let found: Vec<FindingKey> = run.files.iter().flat_map(|f| keys(&f.findings)).collect();
        by_prefilter.push(found);
    }
    if by_prefilter[0] != by_prefilter[1] {
        return Err(format!(
            "prefilter changed the findings:\nwith: {:#?}\nwithout: {:#?}",
            by_prefilter[0], by_prefilter[1]
        ));
    }
    let run = picklefix::run(&Settings {
        paths: vec![path.clone()],
        mode: Mode::Write,
        ..Settings::default()
    });
    if let Some(e) = run.files.iter().find_map(|f| f.error.clone()) {
        return Err(format!("run() --write reported: {e}"));
    }
    let on_disk = fs::read(&path).map_err(|e| e.to_string())?;
    let want = source.encode(&expected_safe)?;
    if on_disk != want {
        return Err(format!(
            "run() wrote something else than the in-memory fix:\n--- wrote\n{}\n--- expected\n{}",
            String::from_utf8_lossy(&on_disk),
            String::from_utf8_lossy(&want)
        ));
    }
    if on_disk.starts_with(b"\xEF\xBB\xBF") != bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err("BOM not kept".to_string());
    }
    Ok((skipped, by_prefilter[0].len()))
}

/// One generated module that passed the in-memory checks, for the python3 batch.
struct Generated {
    input: Vec<u8>,
    fixed_safe: Vec<u8>,
    fixed_unsafe: Vec<u8>,
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128)
}

#[test]
fn generated_modules_keep_every_promise() {
    check_generated(module(None), cases());
}

#[test]
fn generated_crlf_modules_with_trailing_comments() {
    check_generated(module(Some(true)), cases());
}

#[test]
fn crlf_kept_when_a_moved_def_ends_in_a_comment() {
    // A hoisted method (PF001), a lifted local function (PF003), a function moved out of
    // the main guard (PF004): each `def` ends with `# c` inside an `if` block.
    let cases = [
        "from multiprocessing import Pool\r\n\r\n\r\nclass Job:\r\n    def double(self, x):\r\n        if x:\r\n            return x * 2  # c\r\n\r\n    def run(self, xs):\r\n        with Pool(2) as p:\r\n            return p.map(self.double, xs)\r\n",
        "from multiprocessing import Pool\r\n\r\n\r\ndef run(xs):\r\n    def double(x):\r\n        if x:\r\n            return x * 2  # c\r\n\r\n    with Pool(2) as p:\r\n        return p.map(double, xs)\r\n",
        "from multiprocessing import Pool\r\n\r\nif __name__ == \"__main__\":\r\n    def double(x):\r\n        if x:\r\n            return x * 2  # c\r\n\r\n    with Pool(2) as p:\r\n        print(p.map(double, [1]))\r\n",
    ];
    let mut failures = Vec::new();
    for text in cases {
        match check_text(text, false, Some(' ')) {
            Ok(fixed) if fixed == text => failures.push(format!("not fixed: {text:?}")),
            Ok(_) => {}
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Runs the in-memory and `run()` checks on `cases` modules from `strategy`, then parses
/// every input and output with one python3.
fn check_generated(strategy: impl Strategy<Value = Module>, cases: u32) {
    let started = Instant::now();
    let batch: Mutex<Vec<Generated>> = Mutex::new(Vec::new());
    // (modules the prefilter skipped, findings) over every case run, shrinking included.
    let tally = Mutex::new((0usize, 0usize));
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&strategy, |m| {
        let bytes = render(&m);
        let source =
            Source::decode(&bytes).map_err(|e| TestCaseError::fail(format!("decode: {e}")))?;
        let text = &source.text;
        // The generator must produce valid Python; anything else is a bug in this test.
        let tree = parse(text).expect("tree-sitter parses");
        prop_assert_eq!(
            error_count(&tree),
            0,
            "generator produced invalid Python:\n{}",
            text
        );
        let indent = Some(if m.style.indent == Indent::Tab {
            '\t'
        } else {
            ' '
        });
        let safe = check_text(text, false, indent)
            .map_err(|e| TestCaseError::fail(format!("{e}\n--- input\n{text}")))?;
        let unsafe_ = check_text(text, true, indent)
            .map_err(|e| TestCaseError::fail(format!("(unsafe fixes) {e}\n--- input\n{text}")))?;
        let dir = tempfile::tempdir().unwrap();
        let (skipped, found) = check_run(dir.path(), &bytes)
            .map_err(|e| TestCaseError::fail(format!("{e}\n--- input\n{text}")))?;
        let mut t = tally.lock().unwrap();
        t.0 += usize::from(skipped);
        t.1 += found;
        batch.lock().unwrap().push(Generated {
            input: bytes.clone(),
            fixed_safe: source
                .encode(&safe)
                .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?,
            fixed_unsafe: source
                .encode(&unsafe_)
                .map_err(|e| TestCaseError::fail(format!("encode: {e}")))?,
        });
        Ok(())
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, m)) => panic!("{why}\nminimal module: {m:#?}"),
        Err(e) => panic!("{e}"),
    }

    // One python3 process parses (and compiles) every input and every output.
    let batch = batch.into_inner().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut pairs = Vec::new();
    let (mut changed, mut crlf, mut bom, mut coded) = (0, 0, 0, 0);
    for (i, g) in batch.iter().enumerate() {
        let input = dir.path().join(format!("case{i:04}_in.py"));
        fs::write(&input, &g.input).unwrap();
        crlf += usize::from(g.input.windows(2).any(|w| w == b"\r\n"));
        bom += usize::from(g.input.starts_with(b"\xEF\xBB\xBF"));
        coded += usize::from(
            g.input.starts_with(b"# -*- coding: latin-1")
                || g.input.windows(12).any(|w| w == b"encoding=cp1"),
        );
        for (tag, out) in [("safe", &g.fixed_safe), ("unsafe", &g.fixed_unsafe)] {
            if *out != g.input {
                changed += 1;
                let p = dir.path().join(format!("case{i:04}_{tag}.py"));
                fs::write(&p, out).unwrap();
                pairs.push((input.clone(), p));
            } else {
                pairs.push((input.clone(), input.clone()));
            }
        }
    }
    if let Some(keep) = std::env::var_os("PICKLEFIX_KEEP_GENERATED") {
        // For a look at what the generator makes: copies every input and output there.
        let keep = PathBuf::from(keep);
        fs::create_dir_all(&keep).unwrap();
        for e in fs::read_dir(dir.path()).unwrap().flatten() {
            fs::copy(e.path(), keep.join(e.file_name())).unwrap();
        }
    }
    let problems = python_check(&pairs);
    assert!(
        problems.is_empty(),
        "python3 disagrees with picklefix ({} problems):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(
        changed * 4 >= batch.len(),
        "the generator should produce fixable modules: only {changed} outputs changed in {} cases",
        batch.len()
    );
    assert!(
        batch.len() < 64 || coded > 0,
        "the generator should produce latin-1 and cp1252 files"
    );
    let (skipped, found) = *tally.lock().unwrap();
    eprintln!(
        "{} generated modules ({crlf} CRLF, {bom} with BOM, {coded} in latin-1 or cp1252, {skipped} skipped by the prefilter, {found} findings), {changed} fixed outputs, all checked by python3; {:.1?}",
        batch.len(),
        started.elapsed()
    );
}

/// Runs one python3 over `(original, rewritten)` pairs: every original must parse with
/// `ast` (else the input was bad) and every rewritten file that came from an original that
/// parses and compiles must parse and compile too. Returns the problems.
fn python_check(pairs: &[(PathBuf, PathBuf)]) -> Vec<String> {
    const SCRIPT: &str = r#"
import ast, sys, warnings
warnings.simplefilter("ignore")
def check(path):
    data = open(path, "rb").read()
    try:
        ast.parse(data, filename=path)
    except (SyntaxError, ValueError) as e:
        return "ast: %s" % e
    try:
        compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        return "compile: %s" % e
    return None
for line in open(sys.argv[1], encoding="utf-8"):
    orig, new = line.rstrip("\n").split("\t")
    before = check(orig)
    if before is not None:
        if orig == new:
            print("INPUT\t%s\t%s" % (orig, before))
        continue
    after = check(new)
    if after is not None:
        print("BROKEN\t%s\t%s" % (new, after))
print("DONE")
"#;
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("pairs.tsv");
    let mut f = fs::File::create(&list).unwrap();
    for (a, b) in pairs {
        writeln!(f, "{}\t{}", a.display(), b.display()).unwrap();
    }
    drop(f);
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(&list)
        .output()
        .expect("python3 is needed for this test (CI installs it)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("DONE"),
        "python3 failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter(|l| *l != "DONE")
        .map(|l| {
            let path = l.split('\t').nth(1).unwrap_or("");
            let body = fs::read_to_string(path).unwrap_or_default();
            format!("{l}\n{body}")
        })
        .collect()
}

#[test]
fn python_check_reports_a_broken_rewrite() {
    // The python3 batch itself must be able to fail.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.py");
    let broken = dir.path().join("broken.py");
    let outside = dir.path().join("outside.py");
    let bad_input = dir.path().join("bad_input.py");
    fs::write(&good, "def f(x):\n    return x\n").unwrap();
    fs::write(&broken, "def f(x):\n    return x\n  y = 1\n").unwrap();
    fs::write(&outside, "return 1\n").unwrap(); // parses, does not compile
    fs::write(&bad_input, "def f(:\n").unwrap();
    let problems = python_check(&[
        (good.clone(), good.clone()),
        (good.clone(), broken.clone()),
        (good.clone(), outside.clone()),
        (bad_input.clone(), bad_input.clone()),
        (bad_input.clone(), good.clone()),
    ]);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("BROKEN") && problems[0].contains("ast:"));
    assert!(problems[1].starts_with("BROKEN") && problems[1].contains("compile:"));
    assert!(problems[2].starts_with("INPUT"));
}

// ---------------------------------------------------------------------------------------
// Real modules
// ---------------------------------------------------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `(label, path)` of every fixture and behaviour-case input and every example.
fn repo_inputs() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for (label, dir) in [
        ("fixtures", "tests/fixtures"),
        ("behaviour", "tests/behaviour/cases"),
    ] {
        let mut cases: Vec<PathBuf> = fs::read_dir(repo().join(dir))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path().join("input.py")))
            .filter(|p| p.is_file())
            .collect();
        cases.sort();
        for p in cases {
            let name = p.parent().unwrap().file_name().unwrap().to_string_lossy();
            out.push((format!("{label}/{name}/input.py"), p));
        }
    }
    out
}

/// The corpus files that name a pool, when `PICKLEFIX_CORPUS` is set: `(relative, path)`.
fn corpus_inputs() -> Vec<(String, PathBuf)> {
    let Some(root) = std::env::var_os("PICKLEFIX_CORPUS").map(PathBuf::from) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(p);
            } else if t.is_file() && p.extension().is_some_and(|x| x == "py") {
                let Ok(bytes) = fs::read(&p) else { continue };
                let mentions = [&b"Pool"[..], b"Executor", b"Process"]
                    .iter()
                    .any(|w| bytes.windows(w.len()).any(|x| x == *w));
                if mentions {
                    let rel = p.strip_prefix(&root).unwrap().to_string_lossy().to_string();
                    out.push((rel, p));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn real_modules_keep_the_in_memory_promises() {
    let started = Instant::now();
    let mut inputs = repo_inputs();
    for e in ["examples"] {
        for entry in fs::read_dir(repo().join(e)).into_iter().flatten().flatten() {
            if entry.path().extension().is_some_and(|x| x == "py") {
                inputs.push((
                    format!("{e}/{}", entry.file_name().to_string_lossy()),
                    entry.path(),
                ));
            }
        }
    }
    let repo_count = inputs.len();
    inputs.extend(corpus_inputs());
    let mut failures = Vec::new();
    let mut analysed = 0;
    for (label, path) in &inputs {
        let bytes = fs::read(path).unwrap();
        let Ok(source) = Source::decode(&bytes) else {
            continue;
        };
        // Files with syntax errors are left alone by design: nothing to check.
        if parse(&source.text).is_none_or(|t| error_count(&t) != 0) {
            continue;
        }
        analysed += 1;
        for unsafe_fixes in [false, true] {
            if let Err(e) = check_text(&source.text, unsafe_fixes, indent_of(&source.text)) {
                let e: String = e.chars().take(3000).collect();
                failures.push(format!("{label} (unsafe fixes: {unsafe_fixes}): {e}"));
            }
        }
    }
    assert!(repo_count >= 50, "fixtures missing: {repo_count}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    eprintln!(
        "{analysed} real modules ({repo_count} from the repository) checked in {:.1?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------
// The binary over copies of the fixtures (and the corpus)
// ---------------------------------------------------------------------------------------

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_picklefix"))
}

/// Every regular file under `root`, relative, with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_path_buf();
                out.insert(rel, fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

/// Runs the binary with a time limit; stdout and stderr go to files (no pipe to fill up).
fn run_bin(args: &[&str], cwd: &Path, limit: Duration) -> Output {
    let logs = tempfile::tempdir().unwrap();
    let out_path = logs.path().join("out");
    let err_path = logs.path().join("err");
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("picklefix {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: fs::read(&out_path).unwrap(),
        stderr: fs::read(&err_path).unwrap(),
    }
}

/// Exit code 0 or 2, no panic, no signal.
fn assert_survived(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{what}: picklefix panicked:\n{stderr}"
    );
    assert!(
        matches!(out.status.code(), Some(0) | Some(2)),
        "{what}: picklefix ended with {:?} (a signal shows as None):\n{}",
        out.status,
        stderr.chars().take(4000).collect::<String>()
    );
}

/// Newline style, BOM and trailing newline of a rewritten file's bytes.
fn kept_file_conventions(old: &[u8], new: &[u8]) -> Option<String> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (old_text, new_text) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
    if old.starts_with(BOM) != new.starts_with(BOM) {
        Some("BOM not kept".to_string())
    } else if is_all_crlf(&old_text) && !is_all_crlf(&new_text) {
        Some("CRLF file got LF line endings".to_string())
    } else if !old.contains(&b'\r') && new.contains(&b'\r') {
        Some("LF file got a CR".to_string())
    } else if old.ends_with(b"\n") != new.ends_with(b"\n") {
        Some("trailing newline (or its absence) not kept".to_string())
    } else {
        None
    }
}

fn normalize(filename: &str) -> PathBuf {
    PathBuf::from(filename.strip_prefix("./").unwrap_or(filename))
}

#[test]
fn write_over_fixtures_and_corpus_keeps_python_parsing() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    let pristine = tmp.path().join("pristine");
    let mut inputs = repo_inputs();
    let repo_count = inputs.len();
    inputs.extend(
        corpus_inputs()
            .into_iter()
            .map(|(rel, p)| (format!("corpus/{rel}"), p)),
    );
    for base in [&work, &pristine] {
        for (rel, src) in &inputs {
            let dst = base.join(rel);
            fs::create_dir_all(dst.parent().unwrap()).unwrap();
            fs::copy(src, &dst).unwrap();
        }
    }
    let before = snapshot(&work);
    let limit = Duration::from_secs(600);
    let args = [
        "--write",
        "--unsafe-fixes",
        "--no-diff",
        "--no-progress",
        "--output-format",
        "json",
        ".",
    ];
    let first = run_bin(&args, &work, limit);
    assert_survived(&first, "first --write");
    let stderr = String::from_utf8_lossy(&first.stderr).to_string();
    let json: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON output does not parse: {e}\n{}",
            String::from_utf8_lossy(&first.stdout)
        )
    });
    let mut fixable: BTreeSet<PathBuf> = BTreeSet::new();
    for f in json.as_array().expect("a JSON list") {
        let applicable = f["fix"]["applicability"]
            .as_str()
            .is_some_and(|a| a == "safe" || a == "unsafe");
        if applicable {
            fixable.insert(normalize(f["filename"].as_str().unwrap()));
        }
    }
    let after = snapshot(&work);
    let mut failures = Vec::new();
    let added: Vec<_> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    let removed: Vec<_> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    if !added.is_empty() || !removed.is_empty() {
        failures.push(format!("files appeared {added:?} or vanished {removed:?}"));
    }
    let mut pairs = Vec::new();
    let mut changed = 0;
    for (rel, old) in &before {
        let Some(new) = after.get(rel) else { continue };
        let named_on_stderr = stderr.contains(&rel.display().to_string());
        if new != old {
            changed += 1;
            if !fixable.contains(rel) {
                failures.push(format!(
                    "{} changed without an applicable fix in the JSON",
                    rel.display()
                ));
            }
            pairs.push((pristine.join(rel), work.join(rel)));
            failures
                .extend(kept_file_conventions(old, new).map(|e| format!("{}: {e}", rel.display())));
        } else if fixable.contains(rel) && !named_on_stderr {
            failures.push(format!(
                "{} has an applicable fix but was neither changed nor reported",
                rel.display()
            ));
        }
        // The in-repository inputs are all valid: none of them may be reported.
        let in_repo = !rel.starts_with("corpus");
        if in_repo && named_on_stderr {
            failures.push(format!("{} reported an error: {stderr}", rel.display()));
        }
    }
    failures.extend(python_check(&pairs));

    let second = run_bin(&args, &work, limit);
    assert_survived(&second, "second --write");
    let again = snapshot(&work);
    for (rel, bytes) in &after {
        if again.get(rel) != Some(bytes) {
            failures.push(format!("second --write changed {}", rel.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        changed >= 20,
        "only {changed} files changed: the fixtures should give more"
    );
    eprintln!(
        "--write over {} files ({repo_count} from the repository): {changed} changed, all parse with python3; {:.1?}",
        before.len(),
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------
// Deep nesting
// ---------------------------------------------------------------------------------------

const HEADER: &str = "from multiprocessing import Pool\n\n\n";

fn deep_parens(n: usize, in_lambda: bool) -> String {
    let inner = if in_lambda { "x" } else { "1" };
    let expr = format!("{}{inner}{}", "(".repeat(n), ")".repeat(n));
    if in_lambda {
        format!("{HEADER}def f(xs):\n    with Pool(2) as p:\n        return p.map(lambda x: {expr}, xs)\n")
    } else {
        format!("{HEADER}X = {expr}\n\n\ndef f(xs):\n    with Pool(2) as p:\n        return p.map(lambda x: x + 1, xs)\n")
    }
}

fn deep_plus(n: usize, in_lambda: bool) -> String {
    let var = if in_lambda { "x" } else { "1" };
    let expr = vec![var; n].join(" + ");
    if in_lambda {
        format!("{HEADER}def f(xs):\n    with Pool(2) as p:\n        return p.map(lambda x: {expr}, xs)\n")
    } else {
        format!("{HEADER}X = {expr}\n\n\ndef f(xs):\n    with Pool(2) as p:\n        return p.map(lambda x: x + 1, xs)\n")
    }
}

/// `n` nested `if` blocks (one space more each), a pool call with a lambda at the bottom.
fn deep_ifs(n: usize) -> String {
    let mut s = String::from(HEADER);
    s.push_str("def f(xs):\n");
    for i in 1..=n {
        s.push_str(&" ".repeat(i));
        s.push_str("if xs:\n");
    }
    let pad = " ".repeat(n + 1);
    s.push_str(&format!(
        "{pad}with Pool(2) as p:\n{pad} return p.map(lambda x: x + 1, xs)\n"
    ));
    s
}

fn survive(name: &str, text: &str, binary: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.py"));
    fs::write(&path, text).unwrap();
    let started = Instant::now();
    let mut outcome = String::new();
    for unsafe_fixes in [false, true] {
        let run = picklefix::run(&Settings {
            paths: vec![path.clone()],
            unsafe_fixes,
            max_file_bytes: 64 * 1024 * 1024,
            ..Settings::default()
        });
        assert_eq!(run.files.len(), 1, "{name}: not analysed");
        let file = &run.files[0];
        if let Some(fixed) = &file.fixed {
            let errors = parse(fixed).map_or(usize::MAX, |t| error_count(&t));
            assert_eq!(errors, 0, "{name}: the fixed text has syntax errors");
        }
        outcome = format!(
            "{} findings, {}, {}",
            file.findings.len(),
            if file.fixed.is_some() {
                "fixed"
            } else {
                "unchanged"
            },
            file.error
                .as_ref()
                .map_or("no error", |e| e.message.as_str())
        );
    }
    let in_process = started.elapsed();
    if binary {
        let out = run_bin(
            &[
                "--write",
                "--unsafe-fixes",
                "--no-diff",
                "--no-progress",
                ".",
            ],
            dir.path(),
            Duration::from_secs(300),
        );
        assert_survived(&out, name);
        outcome.push_str(&format!("; binary exit {:?}", out.status.code()));
        let now = fs::read_to_string(&path).unwrap();
        let errors = parse(&now).map_or(usize::MAX, |t| error_count(&t));
        if now != text {
            assert_eq!(errors, 0, "{name}: the written file has syntax errors");
        }
    }
    eprintln!(
        "{name}: {} bytes ({outcome}), run() x2 in {in_process:.1?}, total {:.1?}",
        text.len(),
        started.elapsed()
    );
}

#[test]
fn deep_nesting_parentheses() {
    survive("parens_100k", &deep_parens(100_000, false), true);
    survive("parens_100k_lambda", &deep_parens(100_000, true), true);
}

#[test]
fn deep_nesting_chained_plus() {
    survive("plus_50k", &deep_plus(50_000, false), true);
    survive("plus_50k_lambda", &deep_plus(50_000, true), true);
}

#[test]
fn deep_nesting_ifs() {
    // 5,000 levels take 12.5 MB, over the binary's 10 MB file limit: run() gets 5,000 (with a
    // raised limit), the binary 4,000.
    // tree-sitter-python reports a syntax error somewhere between 500 and 600 levels (its
    // scanner's indent stack); 500 goes all the way through the rewrite.
    survive("ifs_500", &deep_ifs(500), true);
    survive("ifs_5000", &deep_ifs(5_000), false);
    survive("ifs_4000", &deep_ifs(4_000), true);
}
