#!/usr/bin/env python3
"""Large-scale self-check for picklefix (issue 11), standard library only.

Injects a process-pool call `ex.map(self.<m>, xs)` as a new method at the end of many
real module-level classes of the corpus, runs `picklefix --output-format json` (dry run)
and `picklefix --write` over a copy of every distribution (so project-wide analysis sees
the real surrounding package), then checks every changed module with python3 only:

1. it compiles (`compile()`);
2. it has no new undefined module-level names (symtable: globals referenced but bound
   nowhere in the module and not builtins, before vs after);
3. every hoisted method (a new module-level def, attributed to its original method) is
   checked independently on the ORIGINAL source with `symtable`/`ast`: it never used its
   first parameter, `__class__`/`super`, or a name bound in the class body; no private
   name it uses is mangled differently now; it was not rebound in the class body or
   decorated; and the moved body is the method's body (modulo the rerouted references).
   The hoisted function must not reference `self` either.

Anything in 3. is a *wrong hoist*. Findings that need a human look (a subclass by the
same name overrides the method, a removed method whose name still occurs, frame
introspection) are listed separately as *review* items.

Usage: selfcheck.py [--picklefix BIN] [--corpus DIR] [--sample N|ALL] [--seed N] ...
Markdown summary on stdout, progress on stderr, details in --out (details.json).
"""
import argparse
import atexit
import ast
import builtins
import collections
import copy
import difflib
import hashlib
import inspect
import io
import json
import multiprocessing
import os
import pickle
import random
import re
import resource
import shutil
import signal
import subprocess
import symtable
import sys
import tempfile
import time
import tokenize

PROBE = "_picklefix_probe"
TOP_ALIAS = "_PF_PPE"
SPECIAL = ("__reduce__", "__reduce_ex__", "__getstate__", "__setstate__", "__init_subclass__")
MODULE_DUNDERS = {
    "__name__", "__file__", "__doc__", "__builtins__", "__spec__", "__loader__",
    "__package__", "__path__", "__annotations__", "__cached__", "__dict__",
}
BUILTINS = set(dir(builtins)) | MODULE_DUNDERS
INTROSPECTION = {"locals", "vars", "eval", "exec", "_getframe", "currentframe", "stack"}


def say(msg):
    print(f"[selfcheck] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- scan


def py_files(root):
    """Sorted (dist, relpath) of the *.py files, skipping hidden folders and files."""
    out = []
    for dist in sorted(os.listdir(root)):
        top = os.path.join(root, dist)
        if dist.startswith(".") or not os.path.isdir(top):
            continue
        for d, dirs, files in os.walk(top):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            for f in sorted(files):
                if f.endswith(".py") and not f.startswith("."):
                    out.append((dist, os.path.relpath(os.path.join(d, f), root)))
    return out


def dotted(expr):
    """`a.b.C` for a Name/Attribute chain (subscripts such as `Generic[T]` unwrapped)."""
    if isinstance(expr, ast.Subscript):
        return dotted(expr.value)
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        return ".".join(reversed(parts))
    return None


def class_level_bindings(cls):
    """Names bound directly in a class body (not inside its functions or nested classes)."""
    names = collections.Counter()

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] += 1
            for d in node.decorator_list:
                visit(d)
            return
        if isinstance(node, ast.Lambda):
            return
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names[node.id] += 1
        elif isinstance(node, ast.alias):
            names[(node.asname or node.name).split(".")[0]] += 1
        elif isinstance(node, ast.NamedExpr):
            pass
        for child in ast.iter_child_nodes(node):
            visit(child)

    for stmt in cls.body:
        visit(stmt)
    return names


def module_name(relpath):
    """`django/db/models/base.py` → `django.db.models.base` (corpus path minus the dist)."""
    parts = relpath.split(os.sep)[1:]
    parts[-1] = parts[-1][:-3]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(tree, relpath):
    """{local name: absolute dotted target} for module-level imports."""
    mod = module_name(relpath)
    is_pkg = relpath.endswith("__init__.py")
    pkg = mod if is_pkg else mod.rpartition(".")[0]
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = a.name
                else:
                    out[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".") if pkg else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                src = ".".join(base + ([node.module] if node.module else []))
            else:
                src = node.module or ""
            for a in node.names:
                if a.name != "*":
                    out[a.asname or a.name] = f"{src}.{a.name}"
    return out


def star_imports(tree, relpath):
    """Absolute module names this file star-imports."""
    mod = module_name(relpath)
    pkg = mod if relpath.endswith("__init__.py") else mod.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            if node.level:
                base = pkg.split(".") if pkg else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                out.append(".".join(base + ([node.module] if node.module else [])))
            else:
                out.append(node.module or "")
    return out


def computed_patterns(tree):
    """[(regex, line)] for names computed next to getattr/hasattr: `"_p_%s_q" % x`,
    `"_p_" + x`, `f"_p_{x}"`, `"_p_{}".format(x)` (a private method name built at run time)."""
    out = set()
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        nodes = list(ast.walk(fn))
        if not any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                   and n.func.id in ("getattr", "hasattr") for n in nodes):
            continue
        for n in nodes:
            parts = None  # literal pieces, a hole between each two
            if isinstance(n, ast.BinOp) and isinstance(n.left, ast.Constant) and \
                    isinstance(n.left.value, str):
                if isinstance(n.op, ast.Mod):
                    parts = re.split(r"%[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]", n.left.value)
                elif isinstance(n.op, ast.Add):
                    parts = [n.left.value, ""]
            elif isinstance(n, ast.JoinedStr) and len(n.values) > 1:
                parts, lit = [], ""
                for v in n.values:
                    if isinstance(v, ast.Constant):
                        lit += str(v.value)
                    else:
                        parts.append(lit)
                        lit = ""
                parts.append(lit)
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and \
                    n.func.attr == "format" and isinstance(n.func.value, ast.Constant) and \
                    isinstance(n.func.value.value, str):
                parts = re.split(r"\{[^{}]*\}", n.func.value.value)
            if parts and len(parts) > 1 and len(parts[0]) >= 2 and \
                    all(re.fullmatch(r"[A-Za-z0-9_]*", p) for p in parts) and \
                    parts[0].startswith("_"):
                out.add(("[A-Za-z0-9_]+".join(map(re.escape, parts)), n.lineno))
    return sorted(out)


def first_param(fn):
    params = fn.args.posonlyargs + fn.args.args
    return params[0].arg if params else None


def uses_name(fn, name):
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(fn))


def decorator_names(fn):
    return [dotted(d.func if isinstance(d, ast.Call) else d) or "?" for d in fn.decorator_list]


def scan_file(job):
    """Parse one corpus file: class index for review checks, injection candidates."""
    root, dist, rel = job
    path = os.path.join(root, rel)
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        tree = ast.parse(data, filename=rel)
    except (SyntaxError, ValueError):
        return {"dist": dist, "rel": rel, "ok": False}
    imports = imports_of(tree, rel)
    classes = []
    top_ids = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bound = class_level_bindings(node)
            classes.append({
                "name": node.name,
                "line": node.lineno,
                "bases": [dotted(b) for b in node.bases],
                "metaclass": next((dotted(k.value) or "?" for k in node.keywords
                                   if k.arg == "metaclass"), None),
                "bound": sorted(bound),
                "special": sorted(s for s in SPECIAL if s in bound),
                "top": id(node) in top_ids,
            })
    candidates = []
    lone_cr = re.search(rb"\r(?!\n)", data) is not None
    for node in tree.body:
        if lone_cr or not isinstance(node, ast.ClassDef):
            continue
        first = node.body[0]
        first_line = (first.decorator_list[0].lineno if getattr(first, "decorator_list", None)
                      else first.lineno)
        if first_line <= node.lineno:
            continue  # `class A: pass` — body on the header line
        bound = class_level_bindings(node)
        if bound[PROBE]:
            continue
        methods = []
        for stmt in node.body:
            if (isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and not stmt.decorator_list and first_param(stmt)
                    and stmt.name.isascii()):
                methods.append((stmt.name, uses_name(stmt, first_param(stmt))))
        if methods:
            candidates.append({
                "name": node.name, "line": node.lineno, "end": node.end_lineno,
                "body_line": first_line, "methods": methods,
            })
    return {"dist": dist, "rel": rel, "ok": True, "classes": classes,
            "imports": imports, "stars": star_imports(tree, rel),
            "patterns": computed_patterns(tree), "candidates": candidates}


SCAN_CODE = (scan_file, class_level_bindings, module_name, imports_of, star_imports, dotted,
             first_param, uses_name, decorator_names, computed_patterns)


# --------------------------------------------------------------------------- sample


def choose(scans, sample, seed, per_file, bias):
    """[(dist, rel, class candidate, method)] spread evenly over the distributions."""
    rng = random.Random(seed)
    by_dist = collections.defaultdict(list)
    for s in scans:
        if s["ok"]:
            for c in s["candidates"]:
                by_dist[s["dist"]].append((s["rel"], c))
    dists = sorted(by_dist)
    for d in dists:
        rng.shuffle(by_dist[d])
    # Per-file cap first, then an even quota per distribution.
    capped = {}
    for d in dists:
        per = collections.Counter()
        keep = []
        for rel, c in by_dist[d]:
            if per[rel] < per_file:
                per[rel] += 1
                keep.append((rel, c))
        capped[d] = keep
    total = sum(len(v) for v in capped.values())
    want = total if sample is None else min(sample, total)
    quota = {d: 0 for d in dists}
    left = want
    open_d = [d for d in dists if capped[d]]
    while left and open_d:
        share = max(1, left // len(open_d))
        for d in list(open_d):
            take = min(share, len(capped[d]) - quota[d], left)
            quota[d] += take
            left -= take
            if quota[d] == len(capped[d]):
                open_d.remove(d)
            if not left:
                break
    picks = []
    for d in dists:
        for rel, c in capped[d][: quota[d]]:
            quiet = [m for m, used in c["methods"] if not used]
            pool = quiet if quiet and rng.random() < bias else [m for m, _ in c["methods"]]
            picks.append((d, rel, c, rng.choice(pool)))
    return picks


# --------------------------------------------------------------------------- inject


def leading_ws(line):
    return line[: len(line) - len(line.lstrip(b" \t"))]


def line_starts(data):
    starts = [0]
    for m in re.finditer(b"\n", data):
        starts.append(m.end())
    return starts  # starts[i] = offset of line i+1; len = newlines + 1


def inject(data, trials, import_mode):
    """New bytes with one probe per trial; sets trial["row"] (the `ex.map` line, 1-based).

    Returns None when the file cannot be injected (encoding)."""
    try:
        enc, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return None
    if enc == "utf-8-sig":
        enc = "utf-8"  # the BOM stays where it is; the probe must not get one
    starts = line_starts(data)
    lines = [data[starts[i]: (starts[i + 1] if i + 1 < len(starts) else len(data))]
             for i in range(len(starts))]
    inserts = []  # (offset, bytes, trial or None)
    nl_default = b"\r\n" if b"\r\n" in data else b"\n"
    if import_mode == "top":
        tree = ast.parse(data)
        after = 0
        for i, stmt in enumerate(tree.body):
            doc = (i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                   and isinstance(stmt.value.value, str))
            fut = isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"
            if doc or fut:
                after = stmt.end_lineno
            else:
                break
        if after == 0:  # keep a shebang / encoding cookie on lines 1-2
            while after < 2 and after < len(lines) and lines[after].lstrip().startswith(b"#"):
                after += 1
        off = starts[after] if after < len(starts) else len(data)
        if data.startswith(b"\xef\xbb\xbf"):
            off = max(off, 3)
        text = f"from concurrent.futures import ProcessPoolExecutor as {TOP_ALIAS}".encode()
        prefix = b"" if off == 0 or data[off - 1: off] == b"\n" else nl_default
        inserts.append((off, prefix + text + nl_default, None))
    for t in trials:
        c = t["cls"]
        body_line = lines[c["body_line"] - 1]
        indent = leading_ws(body_line)
        step = indent or b"    "
        end = c["end"]
        last = lines[end - 1]
        nl = b"\r\n" if last.endswith(b"\r\n") else (b"\n" if last.endswith(b"\n") else nl_default)
        prefix = b"" if last.endswith(b"\n") else nl
        if import_mode == "top":
            body = [f"with {TOP_ALIAS}(2) as ex:"]
        else:
            body = ["from concurrent.futures import ProcessPoolExecutor",
                    "with ProcessPoolExecutor(2) as ex:"]
        probe = [b"", indent + f"def {PROBE}(self, xs):".encode()]
        probe += [indent + step + b.encode() for b in body]
        probe.append(indent + step + step + f"return list(ex.map(self.{t['method']}, xs))".encode())
        try:
            blob = nl.join(p.decode("ascii").encode(enc) for p in probe) + nl
        except (UnicodeError, LookupError):
            return None
        off = starts[end] if end < len(starts) else len(data)
        t["_rel_row"] = len(probe) - 1  # map line, counted from the first inserted line
        t["_prefixed"] = bool(prefix)
        inserts.append((off, prefix + blob, t))
    inserts.sort(key=lambda x: x[0])
    out, pos, shift = [], 0, 0
    for off, blob, t in inserts:
        out.append(data[pos:off])
        pos = off
        line_before = data.count(b"\n", 0, off) + shift
        if t is not None:
            # A prefix newline first ends the class's last line; then the blank line.
            t["row"] = line_before + 1 + (1 if t["_prefixed"] else 0) + t["_rel_row"]
        out.append(blob)
        shift += blob.count(b"\n")
    out.append(data[pos:])
    return b"".join(out)


# --------------------------------------------------------------------------- symtable


def tables(top):
    stack = [top]
    while stack:
        t = stack.pop()
        yield t
        stack.extend(t.get_children())


def free_names(top):
    """Globals referenced somewhere in the module but bound nowhere in it, minus builtins."""
    bound, referenced = set(), set()
    for t in tables(top):
        for s in t.get_symbols():
            n = s.get_name()
            binds = s.is_assigned() or s.is_imported() or s.is_namespace()
            if t is top:
                if binds:
                    bound.add(n)
                if s.is_referenced():
                    referenced.add(n)
            else:
                if s.is_declared_global() and binds:
                    bound.add(n)
                if s.is_global() and s.is_referenced():
                    referenced.add(n)
    return referenced - bound - BUILTINS


def find_table(parent, name, lineno, kind):
    hits = [t for t in parent.get_children() if t.get_name() == name and t.get_type() == kind]
    exact = [t for t in hits if t.get_lineno() == lineno]
    return (exact or hits or [None])[-1]


def outer_refs(fn_table, wanted):
    """Names of `wanted` that fn_table or its nested scopes use from outside fn_table."""
    used = set()
    for s in fn_table.get_symbols():
        n = s.get_name()
        if n in wanted and s.is_referenced() and (s.is_global() or s.is_free()):
            used.add(n)
    stack = list(fn_table.get_children())
    while stack:
        t = stack.pop()
        for s in t.get_symbols():
            n = s.get_name()
            if n in wanted and (s.is_free() or (s.is_global() and s.is_referenced())):
                used.add(n)
        stack.extend(t.get_children())
    return used


def param_refs(fn_table, param):
    """Does the function (or a nested scope not shadowing it) use `param`?"""
    try:
        if fn_table.lookup(param).is_referenced():
            return True
    except KeyError:
        return False
    stack = list(fn_table.get_children())
    while stack:
        t = stack.pop()
        try:
            s = t.lookup(param)
        except KeyError:
            stack.extend(t.get_children())
            continue
        if s.is_free():
            return True
        if s.is_local() or s.is_parameter():
            continue  # shadowed: its children see the inner binding
        stack.extend(t.get_children())
    return False


# --------------------------------------------------------------------------- ast compare


def mangle(name, cls):
    if cls is None or not name.startswith("__") or name.endswith("__") or "." in name:
        return name
    stripped = cls.lstrip("_")
    return f"_{stripped}{name}" if stripped else name


class Canon(ast.NodeTransformer):
    """Runtime names (private-name mangling applied) and rerouted references undone."""

    def __init__(self, cls, first, reroute, class_name, statics=()):
        self.cls, self.first, self.reroute, self.class_name = cls, first, reroute, class_name
        self.statics = statics
        self.mangled = set()

    def _m(self, name):
        new = mangle(name, self.cls)
        if new != name:
            self.mangled.add(name)
        return new

    def visit_ClassDef(self, node):
        node.name = self._m(node.name)
        node.bases = [self.visit(b) for b in node.bases]
        node.keywords = [self.visit(k) for k in node.keywords]
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        saved, self.cls = self.cls, node.name
        node.body = [self.visit(b) for b in node.body]
        self.cls = saved
        return node

    def visit_FunctionDef(self, node):
        node.name = self._m(node.name)
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Name(self, node):
        node.id = self._m(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self._m(node.arg)
        return self.generic_visit(node)

    def visit_alias(self, node):
        node.name = self._m(node.name)
        if node.asname:
            node.asname = self._m(node.asname)
        return node

    def visit_Global(self, node):
        node.names = [self._m(n) for n in node.names]
        return node

    visit_Nonlocal = visit_Global

    def visit_Attribute(self, node):
        if (self.reroute is not None and isinstance(node.value, ast.Name)
                and node.value.id in (self.first, self.class_name) and node.attr in self.reroute):
            return ast.copy_location(ast.Name(id=self.reroute[node.attr], ctx=node.ctx), node)
        if (isinstance(node.value, ast.Name) and node.value.id == self.first
                and node.attr in self.statics):
            node.value = ast.copy_location(ast.Name(id=self.class_name, ctx=ast.Load()),
                                           node.value)
        node.attr = self._m(node.attr)
        return self.generic_visit(node)


def canon_dump(fn, cls, first, reroute, class_name, drop_first, statics=()):
    fn = copy.deepcopy(fn)
    args = fn.args
    if drop_first:
        if args.posonlyargs:
            args.posonlyargs = args.posonlyargs[1:]
        else:
            args.args = args.args[1:]
    body = fn.body
    if len(body) > 1 and isinstance(body[0], ast.Expr) and \
            isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring may stay with the wrapper: no run-time difference
    node = ast.Module(body=body, type_ignores=[])
    sig = ast.Module(body=[ast.Expr(ast.Lambda(args=args, body=ast.Constant(None)))],
                     type_ignores=[])
    c = Canon(cls, first, reroute, class_name, statics)
    node = c.visit(node)
    sig = c.visit(sig)
    return ast.dump(sig), ast.dump(node), c.mangled


# --------------------------------------------------------------------------- check


def wrapper_problem(method, fname, static):
    """Why the method left in the class does not simply forward to `fname`, or None."""
    body = method.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # a kept docstring
    if len(body) != 1:
        return f"the wrapper left in the class has {len(body)} statements"
    st = body[0]
    call = st.value if isinstance(st, (ast.Return, ast.Expr)) else None
    if isinstance(call, (ast.Await, ast.YieldFrom)):
        call = call.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == fname):
        return f"the wrapper left in the class does not call `{fname}`"
    a = method.args
    positional = [p.arg for p in (a.posonlyargs + a.args)][0 if static else 1:]
    got = [x.id if isinstance(x, ast.Name) else None for x in call.args
           if not isinstance(x, ast.Starred)]
    star = [x.value.id for x in call.args if isinstance(x, ast.Starred)
            and isinstance(x.value, ast.Name)]
    kw = {k.arg: (k.value.id if isinstance(k.value, ast.Name) else None)
          for k in call.keywords if k.arg}
    dstar = [k.value.id for k in call.keywords if k.arg is None and isinstance(k.value, ast.Name)]
    # With *args, every positional parameter must go positionally (else they collide).
    passed_positional = got if a.vararg else got + [kw[p] for p in positional[len(got):]
                                                    if p in kw]
    want_kw = {p.arg: p.arg for p in a.kwonlyargs}
    if passed_positional != positional or star != ([a.vararg.arg] if a.vararg else []) or \
            {k: v for k, v in kw.items() if k not in positional} != want_kw or \
            dstar != ([a.kwarg.arg] if a.kwarg else []):
        return f"the wrapper left in the class does not forward its parameters to `{fname}`"
    return None


def top_defs(tree):
    return [s for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]


def top_classes(tree):
    return {s.name: s for s in tree.body if isinstance(s, ast.ClassDef)}


def methods_of(cls):
    out = {}
    for s in cls.body:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out[s.name] = s  # last definition wins, as at run time
    return out


def name_matches(fname, cls, meth):
    """Could `fname` be the module-level name picked for `cls.meth` (`m`, `_m`, `_C_m_2`…)?"""
    core, f = meth.strip("_"), fname.strip("_")
    suffix = r"(_\d+)?"
    return (re.fullmatch(re.escape(core) + suffix, f) is not None
            or re.fullmatch(re.escape(cls.strip("_")) + "_" + re.escape(core) + suffix, f)
            is not None)


def check_file(job):
    """Check one changed module; returns a dict of problems and hoisted functions."""
    rel, before_b, after_b = job
    res = {"rel": rel, "compiles": True, "error": None, "new_free": [], "hoisted": [],
           "unattributed": [], "wrong": [], "review": [], "removed": []}
    try:
        compile(after_b, rel, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        res["compiles"] = False
        res["error"] = f"{type(e).__name__}: {e}"
        return res
    before_src = before_b.decode(tokenize.detect_encoding(io.BytesIO(before_b).readline)[0])
    after_src = after_b.decode(tokenize.detect_encoding(io.BytesIO(after_b).readline)[0])
    if before_src.startswith("\ufeff"):
        before_src = before_src[1:]
    if after_src.startswith("\ufeff"):
        after_src = after_src[1:]
    bt, at = ast.parse(before_src), ast.parse(after_src)
    b_st = symtable.symtable(before_src, rel, "exec")
    base = os.path.basename(rel)
    is_test_file = base.startswith("test_") or base.endswith("_test.py")
    a_st = symtable.symtable(after_src, rel, "exec")
    res["new_free"] = sorted(free_names(a_st) - free_names(b_st))

    before_dumps = collections.defaultdict(list)
    for d in top_defs(bt):
        before_dumps[d.name].append(ast.dump(d))
    new_defs = []
    for d in top_defs(at):
        dumps = before_dumps.get(d.name)
        dd = ast.dump(d)
        if dumps and dd in dumps:
            dumps.remove(dd)
        else:
            new_defs.append(d)

    b_classes, a_classes = top_classes(bt), top_classes(at)
    b_methods = {c: methods_of(n) for c, n in b_classes.items()}
    a_methods = {c: methods_of(n) for c, n in a_classes.items()}

    # Attribute each new def to the method it came from: any method that changed or
    # vanished, best by name, then signature, then body; each method at most once.
    moved = []
    for cname, ms in b_methods.items():
        for mname, m in ms.items():
            after_m = a_methods.get(cname, {}).get(mname)
            if mname != PROBE and (after_m is None or ast.dump(after_m) != ast.dump(m)):
                drop = "staticmethod" not in decorator_names(m)
                sig, body, _ = canon_dump(m, cname, first_param(m), None, cname, drop)
                moved.append((cname, mname, m, sig, body))
    pairs = []
    for f in new_defs:
        fsig, fbody, _ = canon_dump(f, None, None, None, None, False)
        for cname, mname, m, sig, body in moved:
            named = name_matches(f.name, cname, mname)
            ratio = difflib.SequenceMatcher(None, body, fbody).quick_ratio()
            if named or (sig == fsig and ratio >= 0.5):
                pairs.append(((named, sig == fsig, ratio), f, (cname, mname, m)))
    origin, used = {}, set()
    for _score, f, c in sorted(pairs, key=lambda x: x[0], reverse=True):
        if f.name not in origin and c[:2] not in used:
            origin[f.name] = c + (f,)
            used.add(c[:2])
    res["unattributed"] = [f.name for f in new_defs if f.name not in origin]
    # Reroute map per class: method name -> new module-level name.
    reroute = collections.defaultdict(dict)
    for fname, (cname, mname, _m, _f) in origin.items():
        reroute[cname][mname] = fname
    # `self.h` of a staticmethod `h` may become `Class.h`.
    statics = {c: {n for n, f in ms.items() if "staticmethod" in decorator_names(f)}
               for c, ms in b_methods.items()}

    for fname, (cname, mname, m, f) in origin.items():
        cls_node = b_classes[cname]
        where = f"{rel}:{m.lineno} {cname}.{mname}"
        entry = {"file": rel, "line": m.lineno, "class": cname, "method": mname, "new": fname}
        res["hoisted"].append(entry)
        wrong = []
        decos = decorator_names(m)
        static = "staticmethod" in decos
        others = [d for d in decos if d not in ("staticmethod", "classmethod")]
        if others:
            wrong.append(f"decorated with @{', @'.join(others)}")
        # Independent symtable checks on the original method.
        ctab = find_table(b_st, cname, cls_node.lineno, "class")
        mtab = find_table(ctab, mangle(mname, cname), m.lineno, "function") if ctab else None
        if mtab is None:
            wrong.append("no symtable entry for the original method (cannot verify)")
        else:
            first = None if static else first_param(m)
            if first and param_refs(mtab, first):
                # `self.h(...)` is fine when `h` moved too (the fix reroutes it); any other
                # use of the instance is not.
                via = {id(n.value) for n in ast.walk(m) if isinstance(n, ast.Attribute)
                       and isinstance(n.value, ast.Name) and n.value.id == first
                       and (n.attr in reroute[cname] or n.attr in statics[cname])}
                other = [n.lineno for n in ast.walk(m) if isinstance(n, ast.Name)
                         and n.id == first and id(n) not in via]
                if other:
                    wrong.append(f"uses its first parameter `{first}` (line {other[0]})")
                else:
                    used = {n.attr for n in ast.walk(m) if isinstance(n, ast.Attribute)
                            and id(n.value) in via}
                    entry["self_only_for"] = sorted(used)
                    entry["static_via_self"] = sorted(used & statics[cname])
            implicit = outer_refs(mtab, {"__class__", "super"})
            if implicit:
                wrong.append("uses " + ", ".join(f"`{n}`" for n in sorted(implicit)))
            class_bound = set()
            for s in ctab.get_symbols():
                if s.is_assigned() or s.is_imported() or s.is_namespace():
                    class_bound.add(s.get_name())
            body_hits = outer_refs(mtab, class_bound) - {"__class__", "super"}
            if body_hits:
                # Methods never see the class scope: such a name is the same module
                # global (or builtin) before and after the move. Worth a look, not wrong.
                res["review"].append(dict(entry, why="its body names "
                                          + ", ".join(f"`{n}`" for n in sorted(body_hits))
                                          + ", also bound in the class body (resolves to the"
                                          " module global before and after)"))
            # Defaults and annotations are evaluated in the class body.
            evaluated = list(m.args.defaults) + [d for d in m.args.kw_defaults if d]
            future_ann = any(isinstance(s, ast.ImportFrom) and s.module == "__future__"
                             and any(a.name == "annotations" for a in s.names) for s in bt.body)
            if not future_ann:
                a = m.args
                for p in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
                    if p is not None and p.annotation is not None:
                        evaluated.append(p.annotation)
                if m.returns is not None:
                    evaluated.append(m.returns)
            def_names = {n.id for e in evaluated for n in ast.walk(e) if isinstance(n, ast.Name)}
            def_names = {mangle(n, cname) for n in def_names}
            cls_hits = def_names & class_bound
            if cls_hits:
                wrong.append("default/annotation evaluated in the class body uses "
                             + ", ".join(f"`{n}`" for n in sorted(cls_hits)))
        if class_level_bindings(cls_node)[mname] > 1:
            wrong.append(f"`{mname}` is bound more than once in the class body")
        # The moved body must be the method's body (private names at run time).
        drop = not static
        sig, body, mangled = canon_dump(m, cname, first_param(m), reroute[cname], cname, drop,
                                        statics[cname])
        fsig, fbody, _ = canon_dump(f, None, None, None, None, False)
        if sig != fsig:
            wrong.append("parameters differ from the method's minus its first")
        if body != fbody:
            if mangled:
                wrong.append("private name(s) " + ", ".join(f"`{n}`" for n in sorted(mangled))
                             + " are mangled in the class but not at module level")
            else:
                wrong.append("hoisted body differs from the method's body")
        # The hoisted function must not reach `self`.
        ftab = find_table(a_st, fname, f.lineno, "function")
        if ftab is not None and "self" in outer_refs(ftab, {"self"}):
            wrong.append("hoisted function references `self`")
        intro = sorted({(n.func.attr if isinstance(n.func, ast.Attribute) else
                         getattr(n.func, "id", None)) for n in ast.walk(m)
                        if isinstance(n, ast.Call)} & INTROSPECTION)
        if intro:
            res["review"].append(dict(entry, why="frame/namespace introspection: "
                                      + ", ".join(intro)))
        if is_test_file and fname.startswith("test"):
            wrong.append(f"new module-level `{fname}` in a test file: pytest collects it")
        kept = a_methods.get(cname, {}).get(mname)
        if kept is not None:
            problem = wrapper_problem(kept, fname, static)
            if problem:
                wrong.append(problem)
        if kept is None:
            attr_refs, strings = token_uses(after_src, mname)
            res["removed"].append(dict(entry, attr_refs=attr_refs, string_refs=strings))
            if attr_refs or strings:
                wrong.append(f"removed, but the module still names it: `.{mname}` "
                             f"{attr_refs}x, in strings {strings}x")
            if mname.startswith("__") and mname.endswith("__"):
                wrong.append(f"removed a special method `{mname}`")
        if wrong:
            res["wrong"].append(dict(entry, why=wrong, where=where))
    res["new_names"] = sorted(origin)
    res["has_all"] = any(
        isinstance(st, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and any(
            isinstance(t, ast.Name) and t.id == "__all__"
            for t in (st.targets if isinstance(st, ast.Assign) else [st.target]))
        for st in at.body)
    return res


def token_uses(src, name):
    """(`.name` attribute tokens, string tokens naming it as a word) in src."""
    attr = strings = 0
    word = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
    prev = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(src).readline):
            if tok.type == tokenize.NAME and tok.string == name and prev == ".":
                attr += 1
            elif tok.type == tokenize.STRING and word.search(tok.string):
                strings += 1
            if tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT,
                                tokenize.INDENT, tokenize.DEDENT):
                prev = tok.string
    except (tokenize.TokenError, SyntaxError):
        pass
    return attr, strings


def name_uses(src, name):
    """Identifier or string tokens that name `name` (comments do not count)."""
    n = 0
    word = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
    try:
        for tok in tokenize.generate_tokens(io.StringIO(src).readline):
            if (tok.type == tokenize.NAME and tok.string == name) or (
                    tok.type == tokenize.STRING and word.search(tok.string)):
                n += 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return n


# --------------------------------------------------------------------------- project


class Project:
    """Our own (name- and import-based) class index of every distribution."""

    def __init__(self, scans):
        self.by_name = collections.defaultdict(list)    # (dist, class name) -> records
        self.children = collections.defaultdict(list)   # (dist, base's last name) -> records
        self.top = {}                                   # (rel, class name) -> record
        self.imports, self.stars, self.dist_of = {}, {}, {}
        self.patterns = collections.defaultdict(list)  # dist -> [(regex, rel, line)]
        self.importers_of = collections.defaultdict(list)
        for s in scans:
            self.dist_of[s["rel"]] = s["dist"]
            if not s["ok"]:
                continue
            self.imports[s["rel"]] = s["imports"]
            self.stars[s["rel"]] = s["stars"]
            self.patterns[s["dist"]] += [(p, s["rel"], ln) for p, ln in s["patterns"]]
            for full in s["imports"].values():
                self.importers_of[full].append(s["rel"])
            for c in s["classes"]:
                rec = dict(c, rel=s["rel"], dist=s["dist"])
                self.by_name[(s["dist"], c["name"])].append(rec)
                for b in c["bases"]:
                    if b:
                        self.children[(s["dist"], b.rpartition(".")[2])].append(rec)
                if c["top"]:
                    self.top.setdefault((s["rel"], c["name"]), rec)

    def module_class(self, rel, name):
        return self.top.get((rel, name))

    def refers_to(self, rec, base, target):
        """Does `base`, as written in rec's file, name the class `target`?"""
        if rec["rel"] == target["rel"] and base == target["name"]:
            return True
        head = base.split(".")[0]
        full = self.imports.get(rec["rel"], {}).get(head)
        if not full:
            return False
        full += base[len(head):]
        mod, name = module_name(target["rel"]), target["name"]
        if full == f"{mod}.{name}":
            return True
        # Re-exported by a package above the defining module (`from scipy.stats import X`).
        pkg = full[: -len(name) - 1]
        return full.endswith("." + name) and (mod + ".").startswith(pkg + ".")

    def resolve(self, rec, base):
        """(classes `base` may be, sure) within rec's distribution."""
        cands = [c for c in self.by_name[(rec["dist"], base.rpartition(".")[2])] if c is not rec]
        sure = [c for c in cands if self.refers_to(rec, base, c)]
        return (sure, True) if sure else (cands, False)

    def bases(self, rec):
        return [(b, bool(b and self.resolve(rec, b)[0])) for b in rec["bases"]]

    def ancestors(self, rec, depth=12):
        out, seen, queue = [], {id(rec)}, [(rec, True, ())]
        while queue and depth:
            nxt = []
            for r, sure, chain in queue:
                for b in r["bases"]:
                    if not b:
                        continue
                    cands, s = self.resolve(r, b)
                    for c in cands:
                        if id(c) not in seen:
                            seen.add(id(c))
                            out.append((c, sure and s, chain + (c["name"],)))
                            nxt.append((c, sure and s, chain + (c["name"],)))
            queue, depth = nxt, depth - 1
        return out

    def defines(self, rec, m):
        """Does rec or one of its ancestors bind `m`?"""
        return m in rec["bound"] or any(m in a["bound"] for a, _s, _c in self.ancestors(rec))

    def descendants(self, rec, m, depth=12):
        """(subclass, sure, other base or None) for subclasses that get `m` elsewhere."""
        out, seen, queue = [], {id(rec)}, [(rec, True)]
        while queue and depth:
            nxt = []
            for parent, sure in queue:
                for sub in self.children[(rec["dist"], parent["name"])]:
                    if id(sub) in seen:
                        continue
                    via = [i for i, b in enumerate(sub["bases"])
                           if b and b.rpartition(".")[2] == parent["name"]]
                    s = sure and any(self.refers_to(sub, sub["bases"][i], parent) for i in via)
                    seen.add(id(sub))
                    if m in sub["bound"]:
                        out.append((sub, s, None))
                    elif via:
                        for b in sub["bases"][: via[0]]:
                            if not b:
                                continue
                            for other in self.resolve(sub, b)[0]:
                                if other is not parent and self.defines(other, m):
                                    out.append((sub, s, other))
                                    break
                    nxt.append((sub, s))
            queue, depth = nxt, depth - 1
        return out

    def computed_names(self, dist, name):
        """Places in dist that compute a private name `name` may be, for getattr/hasattr."""
        return [(p, rel, ln) for p, rel, ln in self.patterns[dist] if re.fullmatch(p, name)]

    def star_importers(self, mod):
        return [rel for rel, mods in self.stars.items() if mod in mods]

    def importers(self, full):
        return self.importers_of.get(full, [])

    def name_uses(self, names, texts):
        """name -> [(rel, identifier/string tokens naming it)] over every file."""
        pat = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, names)) + r")(?![\w])")
        out = collections.defaultdict(list)
        for rel, data in texts.items():
            text = data.decode("utf-8", "replace")
            for n in set(pat.findall(text)):
                k = name_uses(text, n)
                if k:
                    out[n].append((rel, k))
        return out


# Kinds of wrong hoist. "behaviour": the rewritten program can do something else;
# "rule": a rule of issue 11 section 2 says the fix must be refused.
CATEGORIES = [
    ("behaviour", "uses the instance or the class (self, __class__/super, class-body names)"),
    ("behaviour", "moved body, parameters or the wrapper left behind differ (private-name "
                  "mangling included)"),
    ("behaviour", "hoisted function references self"),
    ("behaviour", "decorated, or rebound in the class body"),
    ("behaviour", "overridden by a subclass"),
    ("behaviour", "removed an override or a special method (a library base may call it too)"),
    ("behaviour", "new module-level name changes the module (pytest collects it, import *, "
                  "shadowing)"),
    ("rule", "removed although its name occurs elsewhere in the project"),
    ("rule", "pickling hook, custom metaclass, __init_subclass__ or Protocol in the class or "
             "its project bases"),
    ("behaviour", "other"),
]


def category(why):
    """Index into CATEGORIES for one reason text."""
    w = why.lower()
    rules = [
        (("uses its first parameter", "uses `", "evaluated in the class body"), 0),
        (("parameters differ", "body differs", "mangled", "wrapper left in the class"), 1),
        (("hoisted function references",), 2),
        (("decorated", "bound more than once"), 3),
        (("overridden by subclass",), 4),
        (("removed, but it overrides", "special method", "not defined in the project",
          "module still names it", "computed at run time"), 5),
        (("pytest", "joins `from", "shadows"), 6),
        (("still occurs in",), 7),
        (("defines __", "metaclass=", "derives from", "its class defines"), 8),
    ]
    for keys, i in rules:
        if any(k in w for k in keys):
            return i
    return len(CATEGORIES) - 1


def project_flags(proj, h, gone, uses_elsewhere, has_all, corpus, public_no_all):
    """(why, sure) for the project-wide rules a hoist `h` breaks; sure=False: review only."""
    out = []

    def flag(why, sure=True):
        out.append((why, sure))

    m = h["method"]
    rec = proj.module_class(h["file"], h["class"])
    if rec is None:
        flag("class not found in the index (cannot verify inheritance)", sure=False)
        return out
    # Ancestors: pickling hooks, metaclasses, Protocol; an override that was removed.
    for anc, sure, chain in proj.ancestors(rec):
        where = f"base `{anc['name']}` ({anc['rel']}:{anc['line']})"
        tag = "" if sure else " [base matched by class name only]"
        if anc["special"]:
            flag(f"{where} defines {', '.join(anc['special'])}{tag}", sure)
        if anc["metaclass"]:
            flag(f"{where} has metaclass={anc['metaclass']}{tag}",
                 sure and anc["metaclass"].rpartition(".")[2] != "ABCMeta")
        if gone and m in anc["bound"]:
            flag(f"removed, but it overrides {where}'s `{m}`: calls through the base "
                 f"now reach the base's version{tag}", sure)
    own = []
    if rec["special"]:
        own.append(", ".join(rec["special"]))
    if rec["metaclass"]:
        own.append(f"metaclass={rec['metaclass']}")
    if own:
        flag("its class defines " + "; ".join(own),
             not (own == [f"metaclass={rec['metaclass']}"]
                  and rec["metaclass"].rpartition(".")[2] == "ABCMeta"))
    for b, found in proj.bases(rec):
        if (b or "").rpartition(".")[2] == "Protocol":
            flag(f"its class derives from `{b}`")
        elif gone and not found and b not in ("object", None):
            flag(f"removed, but base `{b}` is not defined in the project: a library "
                 f"class may call `{m}` by name")
    # Static helpers reached through `self` (now `Class.h`) must not be overridden either.
    for helper in h.get("static_via_self", []):
        for sub, sure, other in proj.descendants(rec, helper):
            if other is None:
                flag(f"calls static `{helper}` through self, overridden by subclass "
                     f"`{sub['name']}` ({sub['rel']}:{sub['line']})"
                     + ("" if sure else " [subclass matched by class name only]"), sure)
    # Descendants that get `m` from anywhere but this class.
    for sub, sure, other in proj.descendants(rec, m):
        tag = "" if sure else " [subclass matched by class name only]"
        if other is None:
            flag(f"overridden by subclass `{sub['name']}` ({sub['rel']}:{sub['line']})"
                 + tag, sure)
        else:
            flag(f"subclass `{sub['name']}` ({sub['rel']}:{sub['line']}) gets `{m}` "
                 f"from its other base `{other['name']}` ({other['rel']}) [MRO]{tag}",
                 False)
    # Removed: nothing may compute its name for getattr/hasattr.
    if gone:
        hits = proj.computed_names(proj.dist_of[h["file"]], m)
        if hits:
            p, rel, ln = hits[0]
            shown = p.replace("[A-Za-z0-9_]+", "…").replace("\\", "")
            flag(f"removed, but its name can be computed at run time: `{shown}` "
                 f"next to getattr/hasattr at {rel}:{ln}")
    # Removed: the name must occur nowhere else in the project.
    if gone:
        others = [(f, n) for f, n in uses_elsewhere.get(m, [])
                  if f != h["file"] and proj.dist_of[f] == proj.dist_of[h["file"]]]
        if others:
            flag(f"removed, but `{m}` still occurs in {len(others)} other file(s) of "
                 f"the project, e.g. {others[0][0]} ({others[0][1]}x)")
    # The new module-level name must not leak or shadow.
    new = h["new"]
    mod = module_name(h["file"])
    if not new.startswith("_") and not has_all:
        public_no_all.append(h)
        stars = proj.star_importers(mod)
        if stars:
            flag(f"new public name `{new}` joins `from {mod} import *` "
                 f"({stars[0]}; the module has no __all__)")
    importers = proj.importers(f"{mod}.{new}")
    if importers:
        flag(f"new name `{new}` shadows `{mod}.{new}` imported by {importers[0]}")
    if h["file"].endswith("__init__.py"):
        pkg_dir = os.path.dirname(os.path.join(corpus, h["file"]))
        if os.path.exists(os.path.join(pkg_dir, new + ".py")) or os.path.isdir(
                os.path.join(pkg_dir, new)):
            flag(f"new name `{new}` shadows the submodule `{mod}.{new}`")
    return out


# --------------------------------------------------------------------------- picklefix


CPU = {}  # phase -> CPU seconds of the picklefix child


def run(cmd, cwd, phase):
    """Run picklefix; returns (completed process, wall seconds) and records its CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[phase] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p, wall


REASON_SUBS = [
    (re.compile(r"`[^`]*`"), "`…`"),
    (re.compile(r"\s*\(\S+\.py(:\d+)*\)"), ""),
    (re.compile(r"\([^()]*\b(line|lines)\b[^()]*\)"), ""),
    (re.compile(r"\S+\.py(:\d+)*"), "FILE"),
    (re.compile(r"\b\d+\b"), "N"),
    (re.compile(r"\s+"), " "),
]


def normalise_reason(reason):
    if reason is None:
        return "(no reason given)"
    r = reason
    for pat, rep in REASON_SUBS:
        r = pat.sub(rep, r)
    r = r.strip().rstrip(".:;, ")
    r = re.split(r"[:;]\s", r)[0]
    words = r.split(" ")
    return " ".join(words[:9]) + (" …" if len(words) > 9 else "")


# --------------------------------------------------------------------------- self-test

PROBE_SRC = """
    def _picklefix_probe(self, xs):
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(2) as ex:
            return list(ex.map(self.{m}, xs))
"""

# (name, file, before, after, kinds the checks must report; [] = a correct hoist)
SELF_TESTS = [
    ("correct hoist", "pkg/a.py",
     "class A:\n    def m(self, x):\n        return x + 1\n",
     "def m(x):\n    return x + 1\n\n\nclass A:\n    def m(self, x):\n        return m(x)\n",
     []),
    ("public method hoisted as _m", "pkg/a.py",
     "class A:\n    def m(self, x):\n        return x + 1\n",
     "def _m(x):\n    return x + 1\n\n\nclass A:\n    def m(self, x):\n        return _m(x)\n",
     []),
    ("helper through self", "pkg/a.py",
     "class A:\n    def m(self, x):\n        return self._h(x)\n\n    def _h(self, x):\n"
     "        return x\n",
     "def m(x):\n    return _h(x)\n\n\ndef _h(x):\n    return x\n\n\nclass A:\n"
     "    def m(self, x):\n        return m(x)\n",
     []),
    ("uses self", "pkg/a.py",
     "class A:\n    k = 1\n\n    def m(self, x):\n        return self.k + x\n",
     "def m(x):\n    return self.k + x\n\n\nclass A:\n    k = 1\n\n    def m(self, x):\n"
     "        return m(x)\n",
     ["uses its first parameter", "hoisted function references `self`", "new_free"]),
    ("uses super", "pkg/a.py",
     "class A(B):\n    def m(self, x):\n        return super().m(x)\n",
     "def m(x):\n    return super().m(x)\n\n\nclass A(B):\n    def m(self, x):\n"
     "        return m(x)\n",
     ["`super`"]),
    ("default from class body", "pkg/a.py",
     "K = 0\n\n\nclass A:\n    K = 3\n\n    def m(self, x=K):\n        return x\n",
     "K = 0\n\n\ndef m(x=K):\n    return x\n\n\nclass A:\n    K = 3\n\n    def m(self, x=K):\n"
     "        return m(x)\n",
     ["evaluated in the class body"]),
    ("private name mangling", "pkg/a.py",
     "class A:\n    def m(self, o):\n        return o.__secret\n",
     "def m(o):\n    return o.__secret\n\n\nclass A:\n    def m(self, o):\n        return m(o)\n",
     ["mangled"]),
    ("docstring stays with the wrapper", "pkg/a.py",
     "class A:\n    def m(self, x):\n        \"\"\"Doc.\"\"\"\n        return x + 1\n",
     "def _m(x):\n    return x + 1\n\n\nclass A:\n    def m(self, x):\n        \"\"\"Doc.\"\"\"\n"
     "        return _m(x)\n",
     []),
    ("body changed", "pkg/a.py",
     "class A:\n    def m(self, x):\n        return x + 1\n",
     "def m(x):\n    return x + 2\n\n\nclass A:\n    def m(self, x):\n        return m(x)\n",
     ["body differs"]),
    ("parameters changed", "pkg/a.py",
     "class A:\n    def m(self, x, y=1):\n        return x\n",
     "def m(x):\n    return x\n\n\nclass A:\n    def m(self, x, y=1):\n        return m(x)\n",
     ["parameters differ"]),
    ("decorated", "pkg/a.py",
     "class A:\n    @cache\n    def m(self, x):\n        return x\n",
     "def m(x):\n    return x\n\n\nclass A:\n    @cache\n    def m(self, x):\n"
     "        return m(x)\n",
     ["decorated with"]),
    ("rebound in class body", "pkg/a.py",
     "class A:\n    def m(self, x):\n        return x\n    m = staticmethod(m)\n",
     "def m(x):\n    return x\n\n\nclass A:\n    def m(self, x):\n        return m(x)\n"
     "    m = staticmethod(m)\n",
     ["bound more than once"]),
    ("pytest collects the new name", "pkg/test_a.py",
     "class TestA:\n    def test_one(self):\n        assert 1\n",
     "def test_one():\n    assert 1\n\n\nclass TestA:\n    def test_one(self):\n"
     "        return test_one()\n",
     ["pytest collects it"]),
    ("removed but still named", "pkg/a.py",
     "class A:\n    def _m(self, x):\n        return x\n\n\nA()._m(1)\n",
     "def _m(x):\n    return x\n\n\nclass A:\n    pass\n\n\nA()._m(1)\n",
     ["removed, but the module still names it"]),
    ("static helper through self becomes Class.h", "pkg/a.py",
     "class A:\n    def m(self, x):\n        return self.h(x)\n\n    @staticmethod\n"
     "    def h(x):\n        return x\n",
     "def m(x):\n    return A.h(x)\n\n\nclass A:\n    def m(self, x):\n        return m(x)\n\n"
     "    @staticmethod\n    def h(x):\n        return x\n",
     []),
    ("static helper rerouted to the wrong name", "pkg/a.py",
     "class A:\n    def m(self, x):\n        return self.h(x)\n\n    @staticmethod\n"
     "    def h(x):\n        return x\n",
     "def m(x):\n    return h(x)\n\n\nclass A:\n    def m(self, x):\n        return m(x)\n\n"
     "    @staticmethod\n    def h(x):\n        return x\n",
     ["body differs", "new_free"]),
    ("wrapper drops an argument", "pkg/a.py",
     "class A:\n    def m(self, x, *a, k=1, **kw):\n        return x\n",
     "def m(x, *a, k=1, **kw):\n    return x\n\n\nclass A:\n"
     "    def m(self, x, *a, k=1, **kw):\n        return m(x, *a, **kw)\n",
     ["does not forward its parameters"]),
    ("wrapper forwards everything", "pkg/a.py",
     "class A:\n    def m(self, x, y, /, z, *a, k=1, **kw):\n        \"\"\"Doc.\"\"\"\n"
     "        return x\n",
     "def m(x, y, /, z, *a, k=1, **kw):\n    \"\"\"Doc.\"\"\"\n    return x\n\n\nclass A:\n"
     "    def m(self, x, y, /, z, *a, k=1, **kw):\n        \"\"\"Doc.\"\"\"\n"
     "        return m(x, y, z, *a, k=k, **kw)\n",
     []),
    ("does not compile", "pkg/a.py",
     "class A:\n    def m(self, x):\n        return x\n",
     "def m(x):\n    return x\n\nclass A:\n    def m(self, x):\n    return m(x)\n",
     ["compiles"]),
]

# A project: (rel, text); the hoist to judge; kinds project_flags must report.
SELF_PROJECT = {
    "demo/demo/base.py": "class Base:\n    def m(self, x):\n        return x\n\n"
                         "    def _r(self, x):\n        return x\n",
    "demo/demo/sub.py": "from demo.base import Base\n\n\nclass Sub(Base):\n"
                        "    def m(self, x):\n        return 2\n",
    "demo/demo/hook.py": "class H:\n    def __getstate__(self):\n        return {}\n\n"
                         "    def m(self, x):\n        return x\n",
    "demo/demo/kid.py": "from demo.base import Base\n\n\nclass Kid(Base):\n"
                        "    def _r(self, x):\n        return -x\n",
    "demo/demo/lib.py": "import threading\n\n\nclass T(threading.Thread):\n"
                        "    def _m(self, x):\n        return x\n",
    "demo/demo/star.py": "from demo.hook import *\n",
    "demo/demo/printer.py": "class P:\n    def doprint(self, e):\n"
                            "        name = '_print_' + type(e).__name__\n"
                            "        return getattr(self, name)(e)\n\n"
                            "    def _print_int(self, e):\n        return str(e)\n",
    "demo/demo/perm.py": "class Q:\n    def perms(self, k):\n"
                         "        return getattr(self, '_get_%s_perms' % k)()\n\n"
                         "    def _get_cause(self, e):\n        return e\n",
}
SELF_PROJECT_CASES = [
    ("override in another file", "demo/demo/base.py", "Base", "m", False,
     ["overridden by subclass `Sub`"]),
    ("static helper overridden", "demo/demo/base.py", "Base", "_r", False,
     ["calls static `_r` through self, overridden by subclass `Kid`"]),
    ("removed override", "demo/demo/kid.py", "Kid", "_r", True,
     ["removed, but it overrides base `Base`", "still occurs in"]),
    ("pickling hook, star import", "demo/demo/hook.py", "H", "m", False,
     ["defines __getstate__", "joins `from demo.hook import *`"]),
    ("removed under a library base", "demo/demo/lib.py", "T", "_m", True,
     ["not defined in the project"]),
    ("removed, name computed for getattr", "demo/demo/printer.py", "P", "_print_int", True,
     ["computed at run time: `_print_…`"]),
    ("name computed with another suffix", "demo/demo/perm.py", "Q", "_get_cause", True,
     ["!computed at run time"]),
]


INJECT_TESTS = {
    "crlf": b"import os\r\n\r\nclass A:\r\n    def m(self, x):\r\n        return x\r\n",
    "tabs, no final newline": b"class A:\n\tdef m(self, x):\n\t\treturn x",
    "bom, two classes": b"\xef\xbb\xbfclass A:\n  def m(self, x):\n    return x\n\nclass B:\n"
                        b"  def n(self):\n    pass\n",
    "cookie, docstring, future": b"#!/usr/bin/env python\n# -*- coding: latin-1 -*-\n"
                                 b"\"\"\"doc\n\"\"\"\nfrom __future__ import annotations\n"
                                 b"class A:\n"
                                 b"    def m(self, x):\n        return \"\xe9\"\n",
}


def inject_self_test(root):
    """The probe lands where `row` says, compiles, and every original byte survives."""
    failures = []
    for i, (name, data) in enumerate(INJECT_TESTS.items()):
        rel = f"inj/inj/case{i}.py"
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), "wb") as fh:
            fh.write(data)
        for mode in ("local", "top"):
            scan = scan_file((root, "inj", rel))
            trials = [{"cls": c, "method": c["methods"][0][0]} for c in scan["candidates"]]
            new = inject(data, trials, mode)
            try:
                compile(new, rel, "exec", dont_inherit=True)
            except SyntaxError as e:
                failures.append(f"inject {name} ({mode}): {e}")
                continue
            lines = new.split(b"\n")
            for t in trials:
                if f"ex.map(self.{t['method']}, xs)".encode() not in lines[t["row"] - 1]:
                    failures.append(f"inject {name} ({mode}): row {t['row']} is not the probe")
            ops = difflib.SequenceMatcher(None, data, new, autojunk=False).get_opcodes()
            inserted = sum(op == "insert" for op, *_ in ops)
            if any(op not in ("equal", "insert") for op, *_ in ops) or \
                    inserted > len(trials) + (mode == "top"):
                failures.append(f"inject {name} ({mode}): original bytes changed")
            if data.startswith(b"\xef\xbb\xbf") and new.count(b"\xef\xbb\xbf") != 1:
                failures.append(f"inject {name} ({mode}): BOM duplicated")
            if b"\r\n" in data and b"\n" in new.replace(b"\r\n", b""):
                failures.append(f"inject {name} ({mode}): newline style changed")
    return failures


def self_test():
    """Every check must fire on a planted defect and stay quiet on correct hoists."""
    failures = []
    for name, rel, before, after, expect in SELF_TESTS:
        cls = re.search(r"^class (\w+)", before, re.M).group(1)
        meth = re.search(r"def (\w+)\(self", before).group(1)
        probe = PROBE_SRC.format(m=meth)
        # Append the probe to the class (the class ends before a blank-line gap or EOF).
        def add(src):
            lines = src.split("\n")
            start = next(i for i, ln in enumerate(lines) if ln.startswith(f"class {cls}"))
            end = start + 1
            while end < len(lines) and (lines[end].startswith(" ") or lines[end] == ""):
                end += 1
            while lines[end - 1] == "":
                end -= 1
            return "\n".join(lines[:end]) + "\n" + probe + "\n".join(lines[end:])
        top = re.search(r"^def (\w+)\(", after, re.M)
        res = check_file((rel, add(before).encode(), add(after).replace(
            f"self.{meth}, xs", f"{top.group(1) if top else meth}, xs").encode()))
        said = [w for x in res["wrong"] for w in x["why"]]
        failures += [f"{name}: no kind for '{w}'" for w in said
                     if category(w) == len(CATEGORIES) - 1]
        if res["new_free"]:
            said.append("new_free")
        if not res["compiles"]:
            said.append("compiles")
        for kind in expect:
            if not any(kind in w for w in said):
                failures.append(f"{name}: expected '{kind}', got {said}")
        if not expect and said:
            failures.append(f"{name}: expected nothing, got {said}")
        if res["compiles"] and not res["hoisted"]:
            failures.append(f"{name}: the hoisted function was not attributed")
    with tempfile.TemporaryDirectory(prefix="selfcheck-selftest-") as root:
        failures += inject_self_test(os.path.join(root, "inject"))
        for rel, text in SELF_PROJECT.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as fh:
                fh.write(text)
        scans = [scan_file((root, d, r)) for d, r in py_files(root)]
        proj = Project(scans)
        texts = {}
        for rel in SELF_PROJECT:
            with open(os.path.join(root, rel), "rb") as fh:
                texts[rel] = fh.read()
        for name, rel, cls, meth, gone, expect in SELF_PROJECT_CASES:
            h = {"file": rel, "class": cls, "method": meth, "new": meth, "line": 1}
            if name == "static helper overridden":
                h.update(method="m2", new="m2", static_via_self=["_r"])
            uses = proj.name_uses([meth], texts)
            said = [w for w, _sure in project_flags(proj, h, gone, uses, False, root, [])]
            failures += [f"{name}: no kind for '{w}'" for w in said
                         if category(w) == len(CATEGORIES) - 1]
            for kind in expect:
                if kind.startswith("!"):
                    if any(kind[1:] in w for w in said):
                        failures.append(f"{name}: did not expect '{kind[1:]}', got {said}")
                elif not any(kind in w for w in said):
                    failures.append(f"{name}: expected '{kind}', got {said}")
    return failures


# --------------------------------------------------------------------------- main


def public(trial):
    """A trial without the scan record and the injection's bookkeeping."""
    return {k: v for k, v in trial.items() if k not in ("cls", "_rel_row", "_prefixed")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--picklefix")
    ap.add_argument("--corpus")
    ap.add_argument("--sample", default="2000", help="number of methods, or ALL")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--per-file", type=int, default=2, help="classes injected per file")
    ap.add_argument("--bias", type=float, default=0.5,
                    help="chance to pick among methods that never name their first parameter")
    ap.add_argument("--import", dest="import_mode", choices=("local", "top"), default="local")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", help="folder for details.json and the logs")
    ap.add_argument("--keep", action="store_true", help="keep the temporary tree")
    ap.add_argument("--tmp", default=None, help="parent folder of the temporary tree")
    ap.add_argument("--cache", default=None, help="folder to keep the corpus scan in")
    ap.add_argument("--again", action="store_true",
                    help="run --write a second time: it must change nothing")
    ap.add_argument("--self-test", action="store_true",
                    help="only check that every check fires on planted defects")
    args = ap.parse_args()
    failures = self_test()
    if failures:
        print("selfcheck: the checks themselves are broken:\n  " + "\n  ".join(failures),
              file=sys.stderr)
        return 3
    if args.self_test:
        print(f"self-test: {len(SELF_TESTS)} module cases, {len(SELF_PROJECT_CASES)} project "
              f"cases and {len(INJECT_TESTS)} injection cases behave as planted")
        return 0
    sample = None if args.sample.upper() == "ALL" else int(args.sample)
    corpus = os.path.realpath(args.corpus)
    os.makedirs(args.out, exist_ok=True)
    timings = {}

    t0 = time.monotonic()
    files = py_files(corpus)
    if not files:
        sys.exit(f"selfcheck: no .py files under {corpus}")
    scans = None
    cache = None
    if args.cache:
        # The scan depends only on these functions and the corpus.
        h = hashlib.sha256("".join(inspect.getsource(f) for f in SCAN_CODE).encode())
        h.update(corpus.encode())
        for _d, rel in files:
            st = os.stat(os.path.join(corpus, rel))
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        cache = os.path.join(args.cache, f"scan-{h.hexdigest()[:20]}.pickle")
        try:
            with open(cache, "rb") as fh:
                scans = pickle.load(fh)
            say(f"re-using the scan of {len(files)} files ({cache})")
        except (OSError, pickle.PickleError, EOFError):
            scans = None
    if scans is None:
        say(f"scanning {len(files)} files with {args.jobs} processes")
        with multiprocessing.Pool(args.jobs) as pool:
            scans = pool.map(scan_file, [(corpus, d, r) for d, r in files], chunksize=32)
        if cache:
            os.makedirs(args.cache, exist_ok=True)
            for old in os.listdir(args.cache):
                if old.startswith("scan-"):
                    os.unlink(os.path.join(args.cache, old))
            with open(cache + ".tmp", "wb") as fh:
                pickle.dump(scans, fh)
            os.replace(cache + ".tmp", cache)
    timings["scan"] = time.monotonic() - t0
    parse_fail = sum(not s["ok"] for s in scans)

    picks = choose(scans, sample, args.seed, args.per_file, args.bias)
    say(f"sampled {len(picks)} methods in {len({p[1] for p in picks})} files")

    # Copy every distribution, so the project around each injected file is real.
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="picklefix-selfcheck-", dir=args.tmp)
    if not args.keep:
        # Also when interrupted or terminated: the copy is 250 MB.
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    dists = sorted({d for d, _ in files})
    for d in dists:
        shutil.copytree(os.path.join(corpus, d), os.path.join(tmp, d),
                        ignore=shutil.ignore_patterns(".*"))
    by_file = collections.defaultdict(list)
    for d, rel, c, m in picks:
        by_file[rel].append({"dist": d, "rel": rel, "cls": c, "method": m,
                             "class": c["name"]})
    injected = {}
    trials = []
    skipped_inject = 0
    for rel, ts in sorted(by_file.items()):
        with open(os.path.join(corpus, rel), "rb") as fh:
            data = fh.read()
        new = inject(data, ts, args.import_mode)
        if new is None:
            skipped_inject += len(ts)
            continue
        try:
            compile(new, rel, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            skipped_inject += len(ts)  # the original does not compile (or we broke it)
            continue
        injected[rel] = new
        with open(os.path.join(tmp, rel), "wb") as fh:
            fh.write(new)
        trials.extend(ts)
    timings["copy+inject"] = time.monotonic() - t0
    say(f"injected {len(trials)} probes into {len(injected)} files under {tmp}")

    # Dry run with JSON findings, then the write.
    # Pin the binary: the lead may rebuild it while we run.
    pf_src = os.path.realpath(args.picklefix)
    pf = os.path.join(tmp, ".picklefix")
    shutil.copy2(pf_src, pf)
    with open(pf, "rb") as fh:
        pf_sha = hashlib.sha256(fh.read()).hexdigest()[:12]
    pf_mtime = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.stat(pf_src).st_mtime))
    p, timings["dry run"] = run([pf, "--output-format", "json", "--no-progress", *dists], tmp,
                                "dry run")
    with open(os.path.join(args.out, "dry-run.stderr"), "wb") as fh:
        fh.write(p.stderr)
    try:
        findings = json.loads(p.stdout or b"[]")
    except json.JSONDecodeError:
        sys.exit(f"selfcheck: picklefix printed no JSON (exit {p.returncode}):\n"
                 + p.stderr.decode(errors="replace")[-2000:])
    dry_rc = p.returncode
    by_row = {}
    for f in findings:
        by_row.setdefault((os.path.normpath(f["filename"]), f["location"]["row"]), []).append(f)
    for t in trials:
        hits = [f for f in by_row.get((t["rel"], t["row"]), []) if f["code"] == "PF001"]
        t["finding"] = hits[0] if hits else None
    other_findings = len(findings) - sum(t["finding"] is not None for t in trials)

    p, timings["write"] = run([pf, "--write", "--allow-dirty", "--no-diff", "--no-progress",
                               "-q", *dists], tmp, "write")
    write_rc = p.returncode
    with open(os.path.join(args.out, "write.stderr"), "wb") as fh:
        fh.write(p.stderr)

    # Which files changed?
    t0 = time.monotonic()
    jobs, before_text = [], {}
    for d, rel in files:
        with open(os.path.join(tmp, rel), "rb") as fh:
            now = fh.read()
        if rel in injected:
            before = injected[rel]
        else:
            with open(os.path.join(corpus, rel), "rb") as fh:
                before = fh.read()
        before_text[rel] = before
        if now != before:
            jobs.append((rel, before, now))
    say(f"{len(jobs)} files changed; checking them")
    with multiprocessing.Pool(args.jobs) as pool:
        results = pool.map(check_file, jobs, chunksize=4)
    timings["check"] = time.monotonic() - t0

    # A second --write must change nothing.
    second_changed = None
    if args.again:
        snapshot = {rel: now for rel, _b, now in jobs}
        p, timings["second write"] = run([pf, "--write", "--allow-dirty", "--no-diff",
                                          "--no-progress", "-q", *dists], tmp, "second write")
        second_changed = []
        for d, rel in files:
            with open(os.path.join(tmp, rel), "rb") as fh:
                now = fh.read()
            if now != snapshot.get(rel, before_text[rel]):
                second_changed.append(rel)

    # Project-wide rules, checked with our own class index of each distribution: who
    # overrides or inherits the hoisted method, pickling hooks and metaclasses, removed
    # names still used elsewhere, new names leaking into star imports or shadowing imports.
    t0 = time.monotonic()
    proj = Project(scans)
    hoisted, wrong, review, removed, unattributed = [], [], [], [], []
    compile_fail, new_free = [], []
    wrong_by_key = {}
    public_no_all = []
    for r in results:
        if not r["compiles"]:
            compile_fail.append((r["rel"], r["error"]))
            continue
        if r["new_free"]:
            new_free.append((r["rel"], r["new_free"]))
        hoisted.extend(r["hoisted"])
        for x in r["wrong"]:
            wrong_by_key[(x["file"], x["class"], x["method"])] = x
        review.extend(r["review"])
        removed.extend(r["removed"])
        unattributed.extend((r["rel"], n) for n in r["unattributed"])

    def flag(h, why, sure=True):
        if not sure:
            review.append(dict(h, why=why))
            return
        key = (h["file"], h["class"], h["method"])
        x = wrong_by_key.setdefault(key, dict(h, why=[], where=f"{h['file']}:{h['line']} "
                                              f"{h['class']}.{h['method']}"))
        x["why"].append(why)

    removed_keys = {(r["file"], r["class"], r["method"]) for r in removed}
    removed_names = sorted({r["method"] for r in removed})
    uses_elsewhere = proj.name_uses(removed_names, before_text) if removed_names else {}
    has_all = {r["rel"]: r["has_all"] for r in results if r["compiles"]}
    for h in hoisted:
        gone = (h["file"], h["class"], h["method"]) in removed_keys
        for why, sure in project_flags(proj, h, gone, uses_elsewhere, has_all[h["file"]],
                                       corpus, public_no_all):
            flag(h, why, sure)
    wrong = list(wrong_by_key.values())
    timings["review"] = time.monotonic() - t0

    # Per-trial outcome.
    hoisted_keys = {(h["file"], h["class"], h["method"]) for h in hoisted}
    reasons = collections.Counter()
    examples = {}
    per_dist = collections.defaultdict(collections.Counter)
    not_applied = []
    for t in trials:
        pd = per_dist[t["dist"]]
        pd["tried"] += 1
        f = t["finding"]
        key = (t["rel"], t["class"], t["method"])
        if f is None:
            pd["not reported"] += 1
            continue
        pd["reported"] += 1
        fix = f.get("fix")
        if key in hoisted_keys:
            pd["hoisted"] += 1
            t["outcome"] = "hoisted"
        elif fix and fix.get("applicability") == "safe":
            pd["safe fix not applied"] += 1
            not_applied.append(t)
        elif fix:
            pd[f"{fix.get('applicability')} fix only"] += 1
            r = normalise_reason(f.get("reason")) if f.get("reason") else \
                f"({fix.get('applicability')} fix only: {normalise_reason(fix.get('message'))})"
            reasons[r] += 1
            examples.setdefault(r, f"{t['rel']} {t['class']}.{t['method']}: "
                                f"{f.get('reason') or fix.get('message')}")
        else:
            pd["refused"] += 1
            r = normalise_reason(f.get("reason"))
            reasons[r] += 1
            examples.setdefault(r, f"{t['rel']} {t['class']}.{t['method']}: {f.get('reason')}")
    trial_of = {(t["rel"], t["class"], t["method"]) for t in trials}
    helpers = [h for h in hoisted if (h["file"], h["class"], h["method"]) not in trial_of]

    details = {
        "picklefix": pf_src, "picklefix_sha256_12": pf_sha, "corpus": corpus, "tmp": tmp,
        "seed": args.seed, "sample": args.sample,
        "per_file": args.per_file, "bias": args.bias, "import": args.import_mode,
        "timings": timings, "picklefix_cpu": CPU, "dry_run_exit": dry_rc, "write_exit": write_rc,
        "trials": [public(t) for t in trials],
        "hoisted": hoisted, "wrong": wrong, "review": review, "removed": removed,
        "compile_fail": compile_fail, "new_free": new_free, "unattributed": unattributed,
        "second_write_changed": second_changed, "not_applied": [
            public(t) for t in not_applied],
    }
    with open(os.path.join(args.out, "details.json"), "w") as fh:
        json.dump(details, fh, indent=1, default=str)

    # ---- report
    out = []
    w = out.append
    n_rep = sum(t["finding"] is not None for t in trials)
    n_hoist = sum(t.get("outcome") == "hoisted" for t in trials)
    n_refused = sum(reasons.values())
    w("## Self-check: injected pool calls on the corpus")
    w("")
    version = subprocess.run([pf, "--version"], capture_output=True, text=True).stdout.strip()
    w(f"- picklefix: `{pf_src}` ({version}, built {pf_mtime}, sha256 {pf_sha}…)")
    w(f"- corpus: `{corpus}`: {len(files)} files ({parse_fail} do not parse), "
      f"{sum(len(s.get('candidates', [])) for s in scans)} eligible module-level classes")
    w(f"- sample: {args.sample} (seed {args.seed}, ≤{args.per_file} classes per file, "
      f"bias {args.bias} towards methods that never name `self`, import {args.import_mode}); "
      f"{skipped_inject} picks skipped (encoding / did not compile)")
    w(f"- picklefix exits: dry run {dry_rc}, write {write_rc}; "
      f"{other_findings} findings elsewhere (not at a probe)")
    w("")
    w("| outcome | count |")
    w("|---|---:|")
    w(f"| methods tried (probes injected) | {len(trials)} |")
    w(f"| findings reported at the probe (PF001) | {n_rep} |")
    w(f"| not reported | {len(trials) - n_rep} |")
    w(f"| hoisted (the probed method) | {n_hoist} |")
    w(f"| hoisted helpers (called through `self` by a hoisted method) | {len(helpers)} |")
    w(f"| refused / not safe (by reason below) | {n_refused} |")
    w(f"| safe fix in the dry run, not applied by --write | {len(not_applied)} |")
    w(f"| files changed by --write | {len(jobs)} |")
    w(f"| changed files that do not compile | {len(compile_fail)} |")
    w(f"| changed files with new undefined names | {len(new_free)} |")
    w(f"| new module-level defs not attributed to a method | {len(unattributed)} |")
    again = "not run (AGAIN=1 runs it)" if second_changed is None else len(second_changed)
    w(f"| files a second --write changed | {again} |")
    behaviour = sum(any(CATEGORIES[category(y)][0] == "behaviour" for y in x["why"])
                    for x in wrong)
    w(f"| **wrong hoists** (must be 0) | **{len(wrong)}** |")
    w(f"| … of which change behaviour | {behaviour} |")
    w(f"| … of which only break a refusal rule of issue 11 | {len(wrong) - behaviour} |")
    w(f"| review items (see below) | {len(review)} |")
    w(f"| new public names in modules without `__all__` (join `import *`; none star-imported "
      f"in the project unless listed as wrong) | {len(public_no_all)} |")
    w("")
    w("Per distribution:")
    w("")
    cols = ["tried", "reported", "hoisted", "refused", "unsafe fix only", "safe fix not applied",
            "not reported"]
    w("| dist | " + " | ".join(cols) + " |")
    w("|---|" + "---:|" * len(cols))
    for d in sorted(per_dist):
        w(f"| {d} | " + " | ".join(str(per_dist[d][c]) for c in cols) + " |")
    w("")
    w("Refused (or fix not safe), by normalised reason:")
    w("")
    w("| count | reason | example |")
    w("|---:|---|---|")
    for r, n in reasons.most_common():
        ex = examples[r].replace("|", "\\|")
        w(f"| {n} | {r.replace('|', chr(92) + '|')} | {ex[:160]} |")
    w("")
    if wrong:
        w("Wrong hoists by kind (one hoist can be wrong in several ways):")
        w("")
        w("| hoists | kind | |")
        w("|---:|---|---|")
        kinds = collections.Counter(k for x in wrong for k in {category(y) for y in x["why"]})
        for i, (sev, text) in enumerate(CATEGORIES):
            if kinds[i]:
                w(f"| {kinds[i]} | {text} | {sev} |")
        w("")
        w("Wrong hoists:")
        w("")
        for x in sorted(wrong, key=lambda x: (min(category(y) for y in x["why"]),
                                              x["file"], x["line"])):
            w(f"- `{x['file']}:{x['line']}` `{x['class']}.{x['method']}` → `{x['new']}`: "
              + "; ".join(x["why"]))
        w("")
    if compile_fail:
        w("Changed files that do not compile:")
        w("")
        for rel, e in compile_fail:
            w(f"- `{rel}`: {e}")
        w("")
    if new_free:
        w("New undefined names:")
        w("")
        for rel, names in new_free:
            w(f"- `{rel}`: " + ", ".join(f"`{n}`" for n in names))
        w("")
    if not_applied:
        w("Safe fix offered but not applied:")
        w("")
        for t in not_applied[:30]:
            w(f"- `{t['rel']}` `{t['class']}.{t['method']}`")
        w("")
    if unattributed:
        w("Unattributed new defs: " + ", ".join(f"`{r}:{n}`" for r, n in unattributed[:30]))
        w("")
    if second_changed:
        w("Changed again by a second --write: " + ", ".join(f"`{r}`" for r in second_changed[:30]))
        w("")
    if review:
        w("Review items (not counted as wrong hoists):")
        w("")
        for x in review:
            w(f"- `{x['file']}:{x['line']}` `{x['class']}.{x['method']}`: {x['why']}")
        w("")
    w("Wall time (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
      + "; picklefix CPU (s): " + ", ".join(f"{k} {v:.1f}" for k, v in CPU.items())
      + f"; machine load average {os.getloadavg()[0]:.1f}")
    w("")
    w(f"Details: `{os.path.join(args.out, 'details.json')}`")
    print("\n".join(out))

    return 1 if (wrong or compile_fail or new_free) else 0


if __name__ == "__main__":
    sys.exit(main())
