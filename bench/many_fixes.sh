#!/usr/bin/env bash
# Times `picklefix --write` on one file holding N fixes, for N = 250, 1,000 and 4,000:
#   classes: N classes, each handing a stateless method `work` to a process pool (N hoists);
#   distinct: the same with a method name of its own per class (`work0`, `work1`, …);
#   lambdas: one function handing N lambdas to a pool (N lifts).
# Each file sits in a folder of its own (the project is that folder). Prints a markdown
# table: N, seconds (best of ROUNDS), fixes applied. Usage:
#   bench/many_fixes.sh                 # builds, then times
#   SKIP_BUILD=1 SIZES="250 1000" ROUNDS=1 bench/many_fixes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"250 1000 4000"}
LIMIT=${LIMIT:-120}
PICKLEFIX=${PICKLEFIX:-target/release/picklefix}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

generate() { # kind n file
    python3 - "$1" "$2" "$3" <<'PY'
import sys
kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    f.write("from concurrent.futures import ProcessPoolExecutor\n\n\n")
    if kind in ("classes", "distinct"):
        for i in range(n):
            m = f"work{i}" if kind == "distinct" else "work"
            f.write(f"class C{i}:\n    def __init__(self):\n        self.k = {i}\n\n"
                    f"    def {m}(self, x):\n        return x + {i}\n\n"
                    f"    def run(self, xs):\n        with ProcessPoolExecutor() as ex:\n"
                    f"            return list(ex.map(self.{m}, xs))\n\n\n")
    else:
        f.write("def main(xs):\n    with ProcessPoolExecutor() as ex:\n")
        for i in range(n):
            f.write(f"        r{i} = list(ex.map(lambda x: x + {i}, xs))\n")
PY
}

echo "| file | fixes | seconds (best of $ROUNDS) | fixed |"
echo "|---|---:|---:|---:|"
for kind in classes distinct lambdas; do
    for n in $SIZES; do
        dir="$work/$kind-$n"
        mkdir -p "$dir"
        generate "$kind" "$n" "$work/$kind-$n.orig"
        best=""
        fixed="?"
        for _ in $(seq "$ROUNDS"); do
            cp "$work/$kind-$n.orig" "$dir/m.py"
            start=$EPOCHREALTIME
            if ! out=$(timeout "$LIMIT" "$PICKLEFIX" --write --no-progress "$dir/m.py" 2>&1 >/dev/null); then
                best="> $LIMIT (timed out)"
                break
            fi
            end=$EPOCHREALTIME
            t=$(python3 -c "print(f'{$end - $start:.3f}')")
            if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $t < $best)"; then best=$t; fi
            fixed=$(printf '%s\n' "$out" | sed -n 's/.*fixed \([0-9]*\) finding.*/\1/p' | tail -1)
        done
        echo "| $kind | $n | $best | $fixed |"
    done
done
