//! Each verdict below is CPython 3.11's: `compile(src, "<x>", "exec")` raises exactly this
//! `lineno:offset: msg` (or compiles, `None`). Rejections come with near misses CPython accepts.

use std::time::Duration;

use super::rejects;

fn agree(cases: &[(&str, Option<&str>)]) {
    for (src, want) in cases {
        assert_eq!(rejects(src).as_deref(), *want, "{src:?}");
    }
}

/// `return`, `yield`, `await`, `break`/`continue`, `async` statements and comprehensions in the wrong block; `except*`; a bare `except:` first.
const FLOW: &[(&str, Option<&str>)] = &[
    ("return\n", Some("1:1: 'return' outside function")),
    (
        "class C:\n    return 1\n",
        Some("2:5: 'return' outside function"),
    ),
    ("def f():\n    return 1\n", None),
    ("yield\n", Some("1:1: 'yield' outside function")),
    (
        "x = [(yield) for _ in y]\n",
        Some("1:7: 'yield' inside list comprehension"),
    ),
    (
        "class C:\n    yield 1\n",
        Some("2:5: 'yield' outside function"),
    ),
    ("def f():\n    yield 1\n", None),
    ("lambda: (yield)\n", None),
    ("await x\n", Some("1:1: 'await' outside function")),
    (
        "def f():\n    await x\n",
        Some("2:5: 'await' outside async function"),
    ),
    ("async def f():\n    await x\n", None),
    (
        "async def f():\n    lambda: (await x)\n",
        Some("2:14: 'await' outside async function"),
    ),
    ("(await x for y in z)\n", None),
    (
        "async def f():\n    class C:\n        await x\n",
        Some("3:9: 'await' outside function"),
    ),
    ("break\n", Some("1:1: 'break' outside loop")),
    ("continue\n", Some("1:1: 'continue' not properly in loop")),
    (
        "for x in y:\n    def f():\n        break\n",
        Some("3:9: 'break' outside loop"),
    ),
    (
        "while x:\n    pass\nelse:\n    continue\n",
        Some("4:5: 'continue' not properly in loop"),
    ),
    (
        "while x:\n    try:\n        pass\n    finally:\n        break\n",
        None,
    ),
    ("for x in y:\n    if x:\n        continue\n", None),
    (
        "def f():\n    try:\n        pass\n    except* E:\n        return\n",
        Some("5:9: 'break', 'continue' and 'return' cannot appear in an except* block"),
    ),
    (
        "for x in y:\n    try:\n        pass\n    except* E:\n        break\n",
        Some("5:9: 'break', 'continue' and 'return' cannot appear in an except* block"),
    ),
    (
        "try:\n    pass\nexcept* E:\n    for x in y:\n        break\n",
        None,
    ),
    (
        "async def f():\n    yield 1\n    return 2\n",
        Some("3:5: 'return' with value in async generator"),
    ),
    ("async def f():\n    yield\n    return\n", None),
    (
        "async def f():\n    return 1\n    yield\n",
        Some("2:5: 'return' with value in async generator"),
    ),
    (
        "async def f():\n    yield from x\n",
        Some("2:5: 'yield from' inside async function"),
    ),
    ("def f():\n    yield from x\n", None),
    (
        "def f():\n    async with x:\n        pass\n",
        Some("2:5: 'async with' outside async function"),
    ),
    ("async def f():\n    async with x:\n        pass\n", None),
    (
        "def f():\n    async for x in y:\n        pass\n",
        Some("2:5: 'async for' outside async function"),
    ),
    (
        "async for x in y:\n    pass\n",
        Some("1:1: 'async for' outside async function"),
    ),
    (
        "def f():\n    return [x async for x in y]\n",
        Some("2:12: asynchronous comprehension outside of an asynchronous function"),
    ),
    ("async def f():\n    return [x async for x in y]\n", None),
    ("def f():\n    return (x async for x in y)\n", None),
    (
        "async def f():\n    def g():\n        return {x async for x in y}\n",
        Some("3:16: asynchronous comprehension outside of an asynchronous function"),
    ),
    (
        "def f():\n    return [await x for x in y]\n",
        Some("2:12: asynchronous comprehension outside of an asynchronous function"),
    ),
    (
        "async def f():\n    return [[x async for x in y] for z in w]\n",
        None,
    ),
    (
        "def f():\n    return [[x async for x in y] for z in w]\n",
        Some("2:12: asynchronous comprehension outside of an asynchronous function"),
    ),
    (
        "def f():\n    return ([x async for x in y] for z in w)\n",
        None,
    ),
    (
        "[x async for x in y]\n",
        Some("1:1: asynchronous comprehension outside of an asynchronous function"),
    ),
    (
        "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n",
        Some("3:1: default 'except:' must be last"),
    ),
    (
        "try:\n    pass\nexcept E:\n    pass\nexcept:\n    pass\n",
        None,
    ),
    (
        "if 0:\n    return\n",
        Some("2:5: 'return' outside function"),
    ),
];

#[test]
fn flow() {
    agree(FLOW);
}

/// Starred expressions out of place (compiler).
const STARRED: &[(&str, Option<&str>)] = &[
    ("def f(*args: *Ts): pass\n", None),
    ("class C(Generic[*Ts]): pass\n", None),
    ("a[*b] += 1\n", None),
    (
        "*a = 1\n",
        Some("1:1: starred assignment target must be in a list or tuple"),
    ),
    ("*a, = 1\n", None),
    (
        "*a, *b = c\n",
        Some("1:1: multiple starred expressions in assignment"),
    ),
    ("a, *b = c\n", None),
    (
        "[a, *b, *c] = d\n",
        Some("1:1: multiple starred expressions in assignment"),
    ),
    (
        "for *a in b:\n    pass\n",
        Some("1:5: starred assignment target must be in a list or tuple"),
    ),
    ("x = *a\n", Some("1:5: can't use starred expression here")),
    ("x = *a, b\n", None),
    (
        "def f():\n    return *a\n",
        Some("2:12: can't use starred expression here"),
    ),
    ("def f():\n    return *a, b\n", None),
    (
        "for x in *a:\n    pass\n",
        Some("1:10: can't use starred expression here"),
    ),
    ("for x in *a, b:\n    pass\n", None),
    ("x[*a]\n", None),
    ("f(*a, *b)\n", None),
    ("print(*a if b else c)\n", None),
];

#[test]
fn starred() {
    agree(STARRED);
}

/// Binding `__debug__` (compiler).
const DEBUG: &[(&str, Option<&str>)] = &[
    ("__debug__ = 1\n", Some("1:1: cannot assign to __debug__")),
    ("del __debug__\n", Some("1:5: cannot delete __debug__")),
    ("x.__debug__ = 1\n", Some("1:1: cannot assign to __debug__")),
    ("x.__debug__ += 1\n", None),
    ("del x.__debug__\n", None),
    (
        "def __debug__(): pass\n",
        Some("1:1: cannot assign to __debug__"),
    ),
    (
        "def f(__debug__): pass\n",
        Some("1:1: cannot assign to __debug__"),
    ),
    (
        "lambda __debug__: 0\n",
        Some("1:1: cannot assign to __debug__"),
    ),
    ("f(__debug__=1)\n", Some("1:1: cannot assign to __debug__")),
    (
        "class C(__debug__=1): pass\n",
        Some("1:1: cannot assign to __debug__"),
    ),
    (
        "import __debug__\n",
        Some("1:1: cannot assign to __debug__"),
    ),
    ("import x.__debug__\n", None),
    ("from x import __debug__ as y\n", None),
    (
        "try:\n    pass\nexcept E as __debug__:\n    pass\n",
        Some("3:1: cannot assign to __debug__"),
    ),
    (
        "for __debug__ in x:\n    pass\n",
        Some("1:5: cannot assign to __debug__"),
    ),
    ("__debug__: int\n", Some("1:1: cannot assign to __debug__")),
    (
        "(__debug__ := 1)\n",
        Some("1:2: cannot assign to __debug__"),
    ),
    ("print(__debug__)\n", None),
    ("global __debug__\n", None),
];

#[test]
fn debug() {
    agree(DEBUG);
}

/// `from __future__ import` placement and features.
const FUTURE: &[(&str, Option<&str>)] = &[
    ("x = 1\nfrom __future__ import annotations\n", Some("2:1: from __future__ imports must occur at the beginning of the file")),
    ("\"\"\"doc\"\"\"\nfrom __future__ import annotations\n", None),
    ("\"\"\"doc\"\"\"\n\"\"\"more\"\"\"\nfrom __future__ import annotations\n", Some("3:1: from __future__ imports must occur at the beginning of the file")),
    ("from __future__ import braces\n", Some("1:1: not a chance")),
    ("from __future__ import spam\n", Some("1:1: future feature spam is not defined")),
    ("from __future__ import annotations, division\nfrom __future__ import generator_stop\nimport os\n", None),
    ("import os; from __future__ import annotations\n", Some("1:11: from __future__ imports must occur at the beginning of the file")),
    ("from __future__ import annotations; import os\n", None),
    ("def f():\n    from __future__ import annotations\n", Some("2:5: from __future__ imports must occur at the beginning of the file")),
    ("# comment\n\nfrom __future__ import annotations\n", None),
    ("from __future__ import barry_as_FLUFL\nx = 1 != 2\n", None),
];

#[test]
fn future() {
    agree(FUTURE);
}

/// The symbol table: `global`/`nonlocal`, `import *`, `yield` in comprehensions, walrus rules, annotations under `from __future__ import annotations`.
const SYMTABLE: &[(&str, Option<&str>)] = &[
    ("def f():\n    x = 1\n    global x\n", Some("3:5: name 'x' is assigned to before global declaration")),
    ("def f():\n    print(x)\n    global x\n", Some("3:5: name 'x' is used prior to global declaration")),
    ("def f(x):\n    global x\n", Some("2:5: name 'x' is parameter and global")),
    ("def f():\n    global x\n    x = 1\n", None),
    ("def f():\n    import x\n    global x\n", None),
    ("x = 1\nglobal x\n", Some("2:1: name 'x' is assigned to before global declaration")),
    ("def f():\n    x: int\n    global x\n", Some("3:5: annotated name 'x' can't be global")),
    ("def f():\n    global x\n    x: int = 1\n", Some("3:5: annotated name 'x' can't be global")),
    ("def f():\n    global x\n    (x): int = 1\n", None),
    ("nonlocal x\n", Some("1:1: nonlocal declaration not allowed at module level")),
    ("def f():\n    nonlocal x\n", Some("2:5: no binding for nonlocal 'x' found")),
    ("class C:\n    nonlocal x\n", Some("2:5: no binding for nonlocal 'x' found")),
    ("def f():\n    x = 1\n    def g():\n        nonlocal x\n", None),
    ("def f():\n    def g():\n        nonlocal x\n    x = 1\n", None),
    ("def f():\n    x = 1\n    class C:\n        nonlocal x\n", None),
    ("class C:\n    x = 1\n    def g(self):\n        nonlocal x\n", Some("4:9: no binding for nonlocal 'x' found")),
    ("def f():\n    global x\n    def g():\n        nonlocal x\n", Some("4:9: no binding for nonlocal 'x' found")),
    ("def f(x):\n    nonlocal x\n", Some("2:5: name 'x' is parameter and nonlocal")),
    ("def f():\n    x = 1\n    def g():\n        global x\n        nonlocal x\n", Some("4:9: name 'x' is nonlocal and global")),
    ("class C:\n    def f(self):\n        nonlocal __class__\n", None),
    ("class A:\n    def f(self):\n        __x = 1\n        class B:\n            def g(self):\n                nonlocal __x\n", Some("6:17: no binding for nonlocal '_B__x' found")),
    ("class A:\n    def f(self):\n        __x = 1\n        def g():\n            nonlocal __x\n", None),
    ("def f():\n    from m import *\n", Some("2:19: import * only allowed at module level")),
    ("class C:\n    from m import *\n", Some("2:19: import * only allowed at module level")),
    ("from m import *\n", None),
    ("def f():\n    [(yield) for x in y]\n", Some("2:7: 'yield' inside list comprehension")),
    ("def f():\n    {(yield) for x in y}\n", Some("2:7: 'yield' inside set comprehension")),
    ("def f():\n    {(yield): 1 for x in y}\n", Some("2:7: 'yield' inside dict comprehension")),
    ("def f():\n    ((yield) for x in y)\n", Some("2:7: 'yield' inside generator expression")),
    ("def f():\n    [x for x in (yield)]\n", None),
    ("[i := 0 for i in range(3)]\n", Some("1:2: assignment expression cannot rebind comprehension iteration variable 'i'")),
    ("[j := 0 for i in range(3)]\n", None),
    ("class C:\n    [y := 1 for x in z]\n", Some("2:6: assignment expression within a comprehension cannot be used in a class body")),
    ("[x for x in (y := [1])]\n", Some("1:14: assignment expression cannot be used in a comprehension iterable expression")),
    ("[x for x in y if (x := 1)]\n", Some("1:19: assignment expression cannot rebind comprehension iteration variable 'x'")),
    ("def f():\n    [y := 1 for x in z]\n    global y\n", Some("3:5: name 'y' is assigned to before global declaration")),
    ("def f():\n    global y\n    [y := 1 for x in z]\n", None),
    ("[x for y in z if (x := 1) for x in w]\n", Some("1:31: comprehension inner loop cannot rebind assignment expression target 'x'")),
    ("from __future__ import annotations\ndef f(x: (yield)): pass\n", Some("2:11: 'yield expression' can not be used within an annotation")),
    ("from __future__ import annotations\nx: (y := 1)\n", Some("2:5: 'named expression' can not be used within an annotation")),
    ("from __future__ import annotations\ndef f():\n    x: y\n    global y\n", None),
    ("def f():\n    x: y\n    global y\n", Some("3:5: name 'y' is used prior to global declaration")),
    ("def f():\n    x: (yield)\n", None),
    ("def f():\n    x: (await y)\n", None),
];

#[test]
fn symtable() {
    agree(SYMTABLE);
}

/// Targets rustpython's grammar lets through, with the messages of CPython's parser.
const TARGETS: &[(&str, Option<&str>)] = &[
    ("None = 1\n", Some("1:1: cannot assign to None")),
    ("True = 1\n", Some("1:1: cannot assign to True")),
    (
        "f() = 1\n",
        Some("1:1: cannot assign to function call here. Maybe you meant '==' instead of '='?"),
    ),
    (
        "(f()) = 1\n",
        Some("1:2: cannot assign to function call here. Maybe you meant '==' instead of '='?"),
    ),
    (
        "a, f() = 1\n",
        Some("1:4: cannot assign to function call here. Maybe you meant '==' instead of '='?"),
    ),
    (
        "f(), a = 1\n",
        Some("1:6: invalid syntax. Maybe you meant '==' or ':=' instead of '='?"),
    ),
    ("f() = a = 1\n", Some("1:1: cannot assign to function call")),
    ("x = f() = 1\n", Some("1:5: cannot assign to function call")),
    ("a < b = 1\n", Some("1:1: cannot assign to comparison")),
    (
        "[x for x in y] = 1\n",
        Some("1:1: cannot assign to list comprehension here. Maybe you meant '==' instead of '='?"),
    ),
    (
        "[a, f()] = 1\n",
        Some("1:5: cannot assign to function call"),
    ),
    (
        "... = 1\n",
        Some("1:1: cannot assign to ellipsis here. Maybe you meant '==' instead of '='?"),
    ),
    (
        "(yield) = 1\n",
        Some("1:2: cannot assign to yield expression here. Maybe you meant '==' instead of '='?"),
    ),
    (
        "a = yield = b\n",
        Some("1:5: assignment to yield expression not possible"),
    ),
    ("lambda: x = 1\n", Some("1:1: cannot assign to lambda")),
    (
        "a if b else c = 1\n",
        Some("1:1: cannot assign to conditional expression"),
    ),
    (
        "{a: b} = 1\n",
        Some("1:1: cannot assign to dict literal here. Maybe you meant '==' instead of '='?"),
    ),
    (
        "f'{x}' = 1\n",
        Some(
            "1:1: cannot assign to f-string expression here. Maybe you meant '==' instead of '='?",
        ),
    ),
    (
        "(a, b) += 1\n",
        Some("1:1: 'tuple' is an illegal expression for augmented assignment"),
    ),
    (
        "f() += 1\n",
        Some("1:1: 'function call' is an illegal expression for augmented assignment"),
    ),
    ("a.b += 1\n", None),
    ("(a) += 1\n", None),
    (
        "(a, b): int\n",
        Some("1:1: only single target (not tuple) can be annotated"),
    ),
    (
        "[a]: int\n",
        Some("1:1: only single target (not list) can be annotated"),
    ),
    ("f(): int\n", Some("1:1: illegal target for annotation")),
    ("a.b: int\n", None),
    ("(a): int\n", None),
    ("del f()\n", Some("1:5: cannot delete function call")),
    ("del a + b\n", Some("1:5: cannot delete expression")),
    ("del *a, b\n", Some("1:5: cannot delete starred")),
    ("del (a, [b, c.d, e[0]])\n", None),
    (
        "del a, (yield)\n",
        Some("1:9: cannot delete yield expression"),
    ),
    (
        "for f() in y:\n    pass\n",
        Some("1:5: cannot assign to function call"),
    ),
    (
        "for x, f() in y:\n    pass\n",
        Some("1:8: cannot assign to function call"),
    ),
    ("for (a, [b, c.d]) in y:\n    pass\n", None),
    (
        "with a as f():\n    pass\n",
        Some("1:11: cannot assign to function call"),
    ),
    ("with a as (b, c[0]):\n    pass\n", None),
    (
        "[x for f() in y]\n",
        Some("1:8: cannot assign to function call"),
    ),
    (
        "[x for -a in y]\n",
        Some("1:8: cannot assign to expression"),
    ),
    (
        "[x for f() in y if z]\n",
        Some("1:8: expected 'else' after 'if' expression"),
    ),
    ("[x for a, b in y if z]\n", None),
    ("x = a, b = c, d\n", None),
    ("x.y, z[0] = 1, 2\n", None),
    ("() = []\n", None),
];

#[test]
fn targets() {
    agree(TARGETS);
}

/// Other grammar rules rustpython's parser lets through.
const GRAMMAR: &[(&str, Option<&str>)] = &[
    (
        "[*a for b in c]\n",
        Some("1:2: iterable unpacking cannot be used in comprehension"),
    ),
    ("[*a, b]\n", None),
    (
        "f(x for x in y, 1)\n",
        Some("1:3: Generator expression must be parenthesized"),
    ),
    (
        "f(1, x for x in y)\n",
        Some("1:6: Generator expression must be parenthesized"),
    ),
    (
        "f(x for x in y,)\n",
        Some("1:3: Generator expression must be parenthesized"),
    ),
    ("f(x for x in y)\n", None),
    ("f((x for x in y), 1)\n", None),
    (
        "class C(x for x in y): pass\n",
        Some("1:11: invalid syntax"),
    ),
    ("class C((x for x in y)): pass\n", None),
    (
        "def f(a, *, **k): pass\n",
        Some("1:10: named arguments must follow bare *"),
    ),
    ("def f(a, *, b, **k): pass\n", None),
    ("def f(a=x*y, **k): pass\n", None),
    (
        "lambda *, **k: 0\n",
        Some("1:11: named arguments must follow bare *"),
    ),
    ("lambda *a, **k: 0\n", None),
    (
        "match *a:\n    case 1:\n        pass\n",
        Some("1:9: invalid syntax"),
    ),
    ("match *a, b:\n    case 1:\n        pass\n", None),
    (
        "match x:\n    case 1+2:\n        pass\n",
        Some("2:12: imaginary number required in complex literal"),
    ),
    (
        "match x:\n    case 1j+2:\n        pass\n",
        Some("2:10: real number required in complex literal"),
    ),
    ("match x:\n    case -1-2j:\n        pass\n", None),
    (
        "match x:\n    case {**_}:\n        pass\n",
        Some("2:13: invalid syntax"),
    ),
    ("match x:\n    case {**rest}:\n        pass\n", None),
    ("print(f\"{', '.join(f'{x}' for x in y)}\", end='')\n", None),
];

#[test]
fn grammar() {
    agree(GRAMMAR);
}

/// The compiler's rules for `match`.
const PATTERNS: &[(&str, Option<&str>)] = &[
    (
        "match x:\n    case y:\n        pass\n    case 1:\n        pass\n",
        Some("2:10: name capture 'y' makes remaining patterns unreachable"),
    ),
    (
        "match x:\n    case _:\n        pass\n    case 1:\n        pass\n",
        Some("2:10: wildcard makes remaining patterns unreachable"),
    ),
    (
        "match x:\n    case y if y:\n        pass\n    case 1:\n        pass\n",
        None,
    ),
    (
        "match x:\n    case 1:\n        pass\n    case y:\n        pass\n",
        None,
    ),
    (
        "match x:\n    case y:\n        pass\n    case _:\n        pass\n",
        Some("2:10: name capture 'y' makes remaining patterns unreachable"),
    ),
    (
        "match x:\n    case a | 1:\n        pass\n",
        Some("2:10: name capture 'a' makes remaining patterns unreachable"),
    ),
    (
        "match x:\n    case 1 | a:\n        pass\n",
        Some("2:14: alternative patterns bind different names"),
    ),
    ("match x:\n    case (a, b) | (b, a):\n        pass\n", None),
    (
        "match x:\n    case [a] | [b]:\n        pass\n",
        Some("2:17: alternative patterns bind different names"),
    ),
    (
        "match x:\n    case [a, a]:\n        pass\n",
        Some("2:14: multiple assignments to name 'a' in pattern"),
    ),
    (
        "match x:\n    case a as a:\n        pass\n",
        Some("2:10: multiple assignments to name 'a' in pattern"),
    ),
    (
        "match x:\n    case [*a, *b]:\n        pass\n",
        Some("2:10: multiple starred names in sequence pattern"),
    ),
    ("match x:\n    case [*a, b]:\n        pass\n", None),
    (
        "match x:\n    case {1: a, True: b}:\n        pass\n",
        Some("2:10: mapping pattern checks duplicate key (True)"),
    ),
    (
        "match x:\n    case {'a': a, 'a': b}:\n        pass\n",
        Some("2:10: mapping pattern checks duplicate key ('a')"),
    ),
    (
        "match x:\n    case {0: a, -0.0: b}:\n        pass\n",
        Some("2:10: mapping pattern checks duplicate key (-0.0)"),
    ),
    (
        "match x:\n    case {1: a, 1+0j: b}:\n        pass\n",
        Some("2:10: mapping pattern checks duplicate key ((1+0j))"),
    ),
    (
        "match x:\n    case {b'a': a, 'a': b}:\n        pass\n",
        None,
    ),
    ("match x:\n    case {a.b: a, a.b: b}:\n        pass\n", None),
    (
        "match x:\n    case C(a=1, a=2):\n        pass\n",
        Some("2:19: attribute name repeated in class pattern: a"),
    ),
    ("match x:\n    case C(a=1, b=2):\n        pass\n", None),
    (
        "match x:\n    case f'x':\n        pass\n",
        Some("2:10: patterns may only match literals and attribute lookups"),
    ),
    (
        "match x:\n    case (a | b) as c:\n        pass\n",
        Some("2:11: name capture 'a' makes remaining patterns unreachable"),
    ),
    (
        "match x:\n    case [a, ([a] | [a])]:\n        pass\n",
        Some("2:22: multiple assignments to name 'a' in pattern"),
    ),
    (
        "match x:\n    case __debug__:\n        pass\n",
        Some("2:10: cannot assign to __debug__"),
    ),
    (
        "match x:\n    case 1 | _:\n        pass\n    case 2:\n        pass\n",
        Some("2:14: wildcard makes remaining patterns unreachable"),
    ),
    (
        "match x:\n    case [_]:\n        pass\n    case 2:\n        pass\n",
        None,
    ),
];

#[test]
fn patterns() {
    agree(PATTERNS);
}

/// Nested loops, `with` items, `try` handlers and `async for` clauses each open frame blocks;
/// CPython allows 20 at once.
#[test]
fn statically_nested_blocks() {
    let loops = |n: usize, inner: &str| {
        let mut s: String = (0..n)
            .map(|i| format!("{}for x in y:\n", "    ".repeat(i)))
            .collect();
        for line in inner.lines() {
            s.push_str(&format!("{}{line}\n", "    ".repeat(n)));
        }
        s
    };
    let error = "too many statically nested blocks";
    assert_eq!(rejects(&loops(20, "pass")), None);
    assert_eq!(
        rejects(&loops(21, "pass")).as_deref(),
        Some(format!("21:81: {error}").as_str())
    );
    let handler = "try:\n    pass\nexcept E:\n    pass";
    assert_eq!(rejects(&loops(18, handler)), None);
    assert!(rejects(&loops(19, handler)).is_some_and(|w| w.ends_with(error)));
    let finally = "try:\n    pass\nfinally:\n    pass";
    assert_eq!(rejects(&loops(19, finally)), None);
    let both = "try:\n    pass\nexcept E:\n    pass\nfinally:\n    pass";
    assert_eq!(rejects(&loops(17, both)), None);
    assert!(rejects(&loops(18, both)).is_some_and(|w| w.ends_with(error)));
    assert_eq!(
        rejects(&loops(19, "while x:\n    pass\nelse:\n    pass")),
        None
    );
    let ifs: String = (0..30)
        .map(|i| format!("{}if x:\n", "    ".repeat(i)))
        .collect::<String>()
        + &"    ".repeat(30)
        + "pass\n";
    assert_eq!(rejects(&ifs), None);
    let with = |n: usize| format!("with {}:\n    pass\n", vec!["a"; n].join(", "));
    assert_eq!(rejects(&with(20)), None);
    assert_eq!(
        rejects(&with(21)).as_deref(),
        Some(format!("1:1: {error}").as_str())
    );
    let comp = |n: usize| {
        let fors: Vec<String> = (0..n).map(|i| format!("async for a{i} in b")).collect();
        format!("async def f():\n    [x {}]\n", fors.join(" "))
    };
    assert_eq!(rejects(&comp(20)), None);
    assert_eq!(
        rejects(&comp(21)).as_deref(),
        Some(format!("2:5: {error}").as_str())
    );
    // A function body starts counting afresh.
    assert_eq!(
        rejects(&loops(20, "def g():\n    for x in y:\n        pass")),
        None
    );
}

#[test]
fn star_unpacking_limit() {
    let names = |n: usize| {
        (0..n)
            .map(|i| format!("a{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    assert_eq!(rejects(&format!("{}, *b = c\n", names(255))), None);
    assert_eq!(
        rejects(&format!("{}, *b = c\n", names(256))).as_deref(),
        Some("1:1: too many expressions in star-unpacking assignment")
    );
}

/// `python -O` does not compile asserts, so CPython accepts what only its compiler would
/// reject inside one; the symbol table's errors still count.
#[test]
fn asserts_are_checked_as_python_dash_o_does() {
    for ok in [
        "assert (await x)\n",
        "assert x, (yield)\n",
        "assert [x async for x in y]\n",
        "assert f(__debug__=1)\n",
        "assert lambda: (await y)\n",
    ] {
        assert_eq!(rejects(ok), None, "{ok:?}");
    }
    assert_eq!(
        rejects("def f():\n    assert [x for x in y if (yield)]\n").as_deref(),
        Some("2:30: 'yield' inside list comprehension")
    );
    assert_eq!(
        rejects("async def f():\n    assert (yield)\n    return 1\n").as_deref(),
        Some("3:5: 'return' with value in async generator")
    );
}

/// The first of several errors is the one CPython meets first: the parser before the
/// compiler, and the compiler's own order (a right-hand side before its targets).
#[test]
fn first_error_in_cpython_order() {
    agree(&[
        ("*x = (yield)\n", Some("1:7: 'yield' outside function")),
        (
            "x = 1\nbreak\nf() = 1\n",
            Some("3:1: cannot assign to function call here. Maybe you meant '==' instead of '='?"),
        ),
        (
            "[a for g() in b] = 1\n",
            Some("1:8: cannot assign to function call"),
        ),
        (
            "f() += [a for g() in b]\n",
            Some("1:15: cannot assign to function call"),
        ),
        (
            "[a for *b in (yield)]\n",
            Some("1:8: starred assignment target must be in a list or tuple"),
        ),
        (
            "def f():\n    nonlocal x\nbreak\n",
            Some("2:5: no binding for nonlocal 'x' found"),
        ),
    ]);
}

/// The trap trees of tests/behaviour/trees: CPython refuses each `bad.py`.
#[test]
fn trap_trees_are_rejected() {
    let trees = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/behaviour/trees");
    let expected = [
        (
            "async_comprehension_in_def",
            "14:12: asynchronous comprehension outside of an asynchronous function",
        ),
        (
            "await_outside_async",
            "14:12: 'await' outside async function",
        ),
        ("break_outside_loop", "14:5: 'break' outside loop"),
        (
            "global_after_assignment",
            "15:5: name 'total' is assigned to before global declaration",
        ),
        (
            "irrefutable_case_not_last",
            "15:14: name capture 'other' makes remaining patterns unreachable",
        ),
        (
            "late_future_import",
            "13:1: from __future__ imports must occur at the beginning of the file",
        ),
        (
            "nonlocal_at_module",
            "13:1: nonlocal declaration not allowed at module level",
        ),
        ("return_outside_function", "14:5: 'return' outside function"),
    ];
    for (case, want) in expected {
        let path = trees.join(format!("cpython_rejects_{case}/tree/bad.py"));
        let text = std::fs::read_to_string(&path).expect("trap tree");
        assert_eq!(rejects(&text).as_deref(), Some(want), "{case}");
    }
}

/// Deep expressions and scopes are walked without recursion (CPython compiles each of these;
/// ten times deeper it runs out of recursion, which depends on its stack, not the source).
#[test]
fn deep_nesting_is_walked() {
    for deep in [
        format!("x = {}y\n", "not ".repeat(2_000)),
        format!("x = {}y\n", "-".repeat(2_000)),
        format!("x = {}1\n", "lambda: ".repeat(2_000)),
        format!("x = y{}\n", "()".repeat(2_000)),
        format!("x = {}z\n", "y.".repeat(2_000)),
    ] {
        assert_eq!(rejects(&deep), None);
    }
    let plus = format!("x = {}\n", vec!["1"; 50_000].join("+"));
    let _ = rejects(&plus); // must not overflow the stack
    let yields = format!("x = {}1\n", "lambda: ".repeat(2_000)) + "yield\n";
    assert_eq!(
        rejects(&yields).as_deref(),
        Some("2:1: 'yield' outside function")
    );
}

/// Runs `rejects` over a JSON list of sources and writes the verdicts beside it, for a
/// differential run against `python3` (see /work/notes/strict.md).
#[test]
#[ignore = "differential harness: PICKLEFIX_STRICT_SNIPPETS=snippets.json"]
fn snippet_verdicts() {
    let Ok(path) = std::env::var("PICKLEFIX_STRICT_SNIPPETS") else {
        return;
    };
    let text = std::fs::read_to_string(&path).expect("snippets file");
    let snippets: Vec<String> = serde_json::from_str(&text).expect("a JSON list of strings");
    let verdicts: Vec<Option<String>> = snippets.iter().map(|s| rejects(s)).collect();
    let out = serde_json::to_string(&verdicts).expect("verdicts");
    std::fs::write(format!("{path}.out"), out).expect("verdicts file");
}

/// rustpython's parse by itself, on the same big stack, to compare timings with.
fn parse_only(text: String) -> bool {
    use rustpython_parser::{ast, Parse};
    std::thread::Builder::new()
        .stack_size(super::STACK_BYTES)
        .spawn(move || ast::Suite::parse(&text, "<corpus>").is_ok())
        .ok()
        .and_then(|h| h.join().ok())
        .unwrap_or(false)
}

/// Every file of the shared corpus compiles under CPython 3.11, so none may be rejected.
#[test]
#[ignore = "reads the shared corpus (PICKLEFIX_CORPUS, default /work/corpus)"]
fn corpus_is_accepted() {
    let root = std::env::var("PICKLEFIX_CORPUS").unwrap_or_else(|_| "/work/corpus".into());
    let mut dirs = vec![std::path::PathBuf::from(root)];
    let mut checked = 0usize;
    let mut rejected = Vec::new();
    let (mut with_checks, mut parse_alone) = (Duration::ZERO, Duration::ZERO);
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let Ok(source) = crate::source::Source::decode(&bytes) else {
                    continue;
                };
                checked += 1;
                let start = std::time::Instant::now();
                let verdict = rejects(&source.text);
                with_checks += start.elapsed();
                let start = std::time::Instant::now();
                let parsed = parse_only(source.text);
                parse_alone += start.elapsed();
                if let Some(why) = verdict {
                    rejected.push(format!("{}: {why}", path.display()));
                } else {
                    assert!(parsed, "{}", path.display());
                }
            }
        }
    }
    println!(
        "corpus: {checked} files checked, {} rejected; rejects() {:.1?}, the parse alone {:.1?}",
        rejected.len(),
        with_checks,
        parse_alone
    );
    assert!(
        rejected.is_empty(),
        "{} of {checked} rejected:\n{}",
        rejected.len(),
        rejected.join("\n")
    );
}
