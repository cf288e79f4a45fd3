#!/usr/bin/env python3
"""Helper for bench/run.sh (stdlib only).

Subcommands:
  stats DIR                  print "<files> <bytes>" for the *.py files under DIR
                             (hidden folders such as .downloads are skipped)
  subsets CORPUS OUT         build OUT/25, OUT/50, OUT/100: every 4th / every 2nd /
                             every *.py file of CORPUS by sorted relative path,
                             hardlinked (copied when linking fails); re-used while
                             the corpus is unchanged. Prints "<pct> <dir> <files> <bytes>".
  report META RUNS LOAD      print the markdown report from run.sh's files
"""
import hashlib
import os
import shutil
import statistics
import sys

PCTS = (25, 50, 100)
STEP = {25: 4, 50: 2, 100: 1}


def py_files(root):
    """Sorted relative paths of *.py files, skipping hidden folders and files."""
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        for f in files:
            if f.endswith(".py") and not f.startswith("."):
                out.append(os.path.relpath(os.path.join(d, f), root))
    out.sort()
    return out


def cmd_stats(root):
    files = py_files(root)
    size = sum(os.path.getsize(os.path.join(root, f)) for f in files)
    print(len(files), size)


def cmd_subsets(corpus, out):
    corpus = os.path.realpath(corpus)
    files = py_files(corpus)
    if not files:
        sys.exit(f"bench.py: no .py files under {corpus}")
    # Fingerprint: path, size, mtime and inode of every file (a re-extracted
    # corpus has new inodes, so stale hardlinks are detected).
    h = hashlib.sha256(corpus.encode())
    sizes = {}
    for f in files:
        st = os.stat(os.path.join(corpus, f))
        sizes[f] = st.st_size
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode())
    stamp = h.hexdigest()
    stamp_file = os.path.join(out, ".stamp")
    try:
        with open(stamp_file) as fh:
            fresh = fh.read().strip() == stamp
    except OSError:
        fresh = False
    fresh = fresh and all(os.path.isdir(os.path.join(out, str(p))) for p in PCTS)

    if not fresh:
        os.makedirs(out, exist_ok=True)
        linked = copied = 0
        for p in PCTS:
            dest = os.path.join(out, str(p))
            if os.path.exists(dest):
                shutil.rmtree(dest)
            for f in files[:: STEP[p]]:
                src, dst = os.path.join(corpus, f), os.path.join(dest, f)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                try:
                    os.link(src, dst)
                    linked += 1
                except OSError:
                    shutil.copy2(src, dst)
                    copied += 1
        with open(stamp_file, "w") as fh:
            fh.write(stamp + "\n")
        print(f"subsets built in {out}: {linked} hardlinks, {copied} copies", file=sys.stderr)
    else:
        print(f"subsets re-used from {out}", file=sys.stderr)

    for p in PCTS:
        sel = files[:: STEP[p]]
        print(p, os.path.join(out, str(p)), len(sel), sum(sizes[f] for f in sel))


def read_meta(path):
    meta = {}
    with open(path) as fh:
        for line in fh:
            if "\t" in line:
                k, v = line.rstrip("\n").split("\t", 1)
                meta[k] = v
    return meta


def cmd_report(meta_path, runs_path, load_path):
    meta = read_meta(meta_path)
    runs = {}  # (section, tool) -> list of dicts
    with open(runs_path) as fh:
        for line in fh:
            sec, tool, rnd, t0, t1, rss, usr, sy, rc = line.split()
            runs.setdefault((sec, tool), []).append(
                {"wall": float(t1) - float(t0), "rss": int(rss) / 1024.0,
                 "cpu": float(usr) + float(sy), "rc": rc})

    def summary(sec, tool):
        rs = runs.get((sec, tool))
        if not rs:
            return None
        walls = [r["wall"] for r in rs]
        med = statistics.median(walls)
        cpu = statistics.median(r["cpu"] for r in rs)
        return {"n": len(rs), "med": med, "min": min(walls), "max": max(walls),
                "rss": max(r["rss"] for r in rs), "cpu": cpu, "cores": cpu / med if med else 0,
                "rcs": sorted({r["rc"] for r in rs})}

    pending = meta.get("picklefix_status") != "ok"

    # Background load per window: machine busy CPU minus our counted runs' CPU.
    load = {}
    with open(load_path) as fh:
        for line in fh:
            name, wall, busy = line.split()
            secs = ("full",) if name == "full" else ("sub25", "sub50", "sub100")
            ours = sum(r["cpu"] for (sec, _), rs in runs.items() if sec in secs for r in rs)
            load[name] = max(0.0, (float(busy) - ours) / float(wall))
    nproc = int(meta.get("nproc", "1"))
    print(f"# picklefix corpus benchmark ({meta.get('date', '?')})")
    print()
    print(f"- machine: nproc {meta.get('nproc')}; CPU `{meta.get('cpu')}`; "
          f"memory {meta.get('mem')}; {meta.get('kernel')}")
    print(f"- corpus: `{meta.get('corpus')}`: {int(meta['files']):,} .py files, "
          f"{int(meta['bytes']) / 1e6:.1f} MB")
    print(f"- versions: {meta.get('v_picklefix')}; {meta.get('v_ruff')}; {meta.get('v_astgrep')}")
    print(f"- method: 1 warm-up run per command, then {meta.get('rounds')} alternating rounds "
          f"(each round runs every command once, order rotated per round); wall time by bash "
          f"`$EPOCHREALTIME` around `/usr/bin/time -v`; peak RSS = max over counted runs; "
          f"all tool output to /dev/null")
    print(f"- background CPU load during the counted rounds (machine busy time from /proc/stat "
          f"minus the tools' own CPU time): {load.get('full', 0):.2f} cores (full corpus), "
          f"{load.get('subsets', 0):.2f} cores (subsets), of {nproc}")
    print()
    if max(load.values(), default=0) > 0.2:
        msg = ("**Warning: other processes used CPU during the counted rounds; wall times are "
               "inflated and not comparable with an idle machine. Re-run on a quiet machine "
               "(CPU seconds in the notes are less affected).**")
        print(msg)
        print()
        print("bench: " + msg.strip("*"), file=sys.stderr)

    ruff = summary("full", "ruff")
    print("| tool | command | median s | min s | max s | peak RSS MiB | ratio to ruff E9 | notes |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    for tool in ("picklefix", "ruff", "ast-grep"):
        cmd = meta.get(f"cmd_{tool}", tool)
        warm = meta.get(f"warm_{tool}", "")
        if tool == "picklefix" and pending:
            print(f"| picklefix | `{cmd}` | pending | pending | pending | pending | pending | "
                  f"{meta.get('picklefix_status')} |")
            continue
        s = summary("full", tool)
        if s is None:
            print(f"| {tool} | `{cmd}` | — | — | — | — | — | not run |")
            continue
        ratio = f"{s['med'] / ruff['med']:.2f}×" if ruff else "—"
        notes = (f"n={s['n']}; CPU {s['cpu']:.2f} s ({s['cores']:.2f} cores); "
                 f"exit {','.join(s['rcs'])}")
        if warm:
            notes += f"; {warm}"
        print(f"| {tool} | `{cmd}` | {s['med']:.3f} | {s['min']:.3f} | {s['max']:.3f} | "
              f"{s['rss']:.1f} | {ratio} | {notes} |")
    print()
    print(f"Cost vs corpus size (subsets of `{meta.get('subsets')}`: every 4th / every 2nd / "
          f"every file by sorted path, hardlinked; {meta.get('rounds')} alternating rounds after a warm-up):")
    print()
    print("| subset | files | MB | picklefix median s | ruff median s | picklefix MB/s | ruff MB/s | "
          "picklefix CPU s | ruff CPU s | picklefix peak RSS MiB | ruff peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for p in PCTS:
        files, size = int(meta[f"sub{p}_files"]), int(meta[f"sub{p}_bytes"])
        mb = size / 1e6
        r = summary(f"sub{p}", "ruff")
        k = None if pending else summary(f"sub{p}", "picklefix")
        kmed = "pending" if pending else (f"{k['med']:.3f}" if k else "—")
        kmbs = "pending" if pending else (f"{mb / k['med']:.0f}" if k else "—")
        krss = "pending" if pending else (f"{k['rss']:.1f}" if k else "—")
        kcpu = "pending" if pending else (f"{k['cpu']:.2f}" if k else "—")
        print(f"| {p}% | {files:,} | {mb:.1f} | {kmed} | {r['med']:.3f} | {kmbs} | "
              f"{mb / r['med']:.0f} | {kcpu} | {r['cpu']:.2f} | {krss} | {r['rss']:.1f} |")
    print()
    print("CPU s = median user+sys time per run (less sensitive to other load than wall time).")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    table = {"stats": (cmd_stats, 1), "subsets": (cmd_subsets, 2),
             "report": (cmd_report, 3)}
    if cmd not in table or len(args) != table[cmd][1]:
        sys.exit(__doc__)
    table[cmd][0](*args)


if __name__ == "__main__":
    main(sys.argv)
