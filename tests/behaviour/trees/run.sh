#!/bin/bash
# Runs the trap cases against a picklefix binary.
# Usage: run.sh [PICKLEFIX] [--per-file] [CASE...]
#   default binary: /work/main/target/release/picklefix
#   --per-file: invoke picklefix once per .py file (sorted) instead of once on the tree root, the way
#               pre-commit or an editor does; every case is then put in a git repository (without one,
#               issue 11 makes a lone file its own project, so overrides elsewhere are out of scope by design)
# A case passes when
#   mode=fix:       picklefix --write changed at least one file, exit < 2, and `python3 main.py`
#                   prints expect.txt; a second --write changes nothing
#                   (a case with a `refusal_ok` marker also passes when nothing changed)
#   mode=unchanged: no file changed (exit code may be 2 for files CPython rejects)
# A case with a `git` marker is copied into a fresh git repository with everything committed.
set -u
PF=/work/main/target/release/picklefix
[[ $# -gt 0 && -x $1 && ! -d $1 ]] && { PF=$(realpath "$1"); shift; }
perfile=no
[[ $# -gt 0 && $1 == --per-file ]] && { perfile=yes; shift; }
here=$(dirname "$(realpath "$0")")
if [[ $# -gt 0 ]]; then cases=("$@"); else cases=(); for c in "$here"/*/; do c=${c%/}; [[ -f $c/mode ]] && cases+=("${c##*/}"); done; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
pass=0; total=0
runpf() {  # runpf DIR
  if [[ $perfile == yes ]]; then
    local rc=0 f
    while IFS= read -r f; do timeout 60 "$PF" --write "$f" || { r=$?; [[ $r -gt $rc ]] && rc=$r; }; done < <(cd "$1" && find . -name '*.py' -not -path './.git/*' | sort | sed "s|^\.|$1|")
    return $rc
  else
    timeout 60 "$PF" --write "$1"
  fi
}
for name in "${cases[@]}"; do
  c=$here/$name; mode=$(cat "$c/mode"); total=$((total+1))
  w=$work/$name/t; mkdir -p "$w"; cp -r "$c/tree/." "$w/"
  if [[ -e $c/git || $perfile == yes ]]; then
    (cd "$w" && git init -q && git add -A && git -c user.email=t@t -c user.name=t commit -qm init)
  fi
  cp -r "$w" "$work/$name/orig"
  runpf "$w" >"$work/$name/log" 2>&1; rc=$?
  changed=$(diff -rq -x .git "$work/$name/orig" "$w" | sed "s|$work/$name/orig/||; s|$w/||" | awk '{print $2}' | tr '\n' ' ')
  out=$(cd "$w" && PYTHONDONTWRITEBYTECODE=1 timeout 60 python3 main.py 2>&1)
  same=no; [[ $out == "$(cat "$c/expect.txt")" ]] && same=yes
  verdict=FAIL; why=""
  if [[ $mode == fix ]]; then
    if [[ $rc -ge 2 ]]; then why="exit $rc"
    elif [[ -z $changed && -e $c/refusal_ok ]]; then verdict=PASS; why="(refused; allowed by refusal_ok)"
    elif [[ -z $changed ]]; then why="not fixed"
    elif [[ $same == no ]]; then why="runs wrong: $(diff <(echo "$out") "$c/expect.txt" | grep '^<' | head -1 | cut -c1-100)"
    else
      cp -r "$w" "$work/$name/first"; runpf "$w" >/dev/null 2>&1
      if diff -rq -x .git -x __pycache__ "$work/$name/first" "$w" >/dev/null; then verdict=PASS; else why="second --write changed it again"; fi
    fi
  else
    if [[ -n $changed ]]; then why="changed: $changed; output $([[ $same == yes ]] && echo same || echo "differs: $(diff <(echo "$out") "$c/expect.txt" | grep '^<' | head -1 | cut -c1-100)")"; else verdict=PASS; fi
  fi
  [[ $verdict == PASS ]] && pass=$((pass+1))
  printf '%s\t%s\t%s\trc=%s\tchanged=[%s]\t%s\n' "$verdict" "$name" "$mode" "$rc" "${changed% }" "$why"
  if [[ ${VERBOSE:-} == 1 ]]; then sed 's/^/    | /' "$work/$name/log" | head -60; fi
done
echo "$pass/$total trap cases pass ($([[ $perfile == yes ]] && echo per-file || echo root) invocation)"
