#!/usr/bin/env bash
# bench/selfcheck.sh — issue 11's large-scale self-check: inject `ex.map(self.<m>, xs)`
# into many real classes of the shared corpus, run `picklefix --write` on a copy and
# check every changed module with python3 (compiles, no new undefined names, every
# hoisted method independently proven stateless with symtable). See bench/SELFCHECK.md.
#
# Builds nothing. Environment:
#   PICKLEFIX=path   binary (default: target/release/picklefix)
#   CORPUS=dir       corpus (default: /work/corpus if present, else bench/.corpus)
#   SAMPLE=N|ALL     methods to probe, spread over the distributions (default 2000)
#   SEED=N           sampling seed (default 11)
#   PER_FILE=N       classes probed per file (default 2)
#   BIAS=F           chance to pick a method that never names `self` (default 0.5)
#   IMPORT=local|top where the probe imports ProcessPoolExecutor (default local)
#   JOBS=N           python processes for scanning/checking (default: nproc)
#   AGAIN=1          run --write a second time and count the files it changes (must be 0)
#   KEEP=1           keep the rewritten copy of the corpus (its path is in details.json)
#   PYTHON=python3
#
# Markdown summary on stdout, progress on stderr; report.md, details.json and picklefix's
# stderr in bench/.results/selfcheck-<timestamp>/. The corpus scan is cached in
# bench/.results/selfcheck-cache/ while the corpus and the scan code are unchanged.
# Before anything else the script checks its own checks on planted defects.
# Exit 1 if a wrong hoist, a changed file that does not compile or a new undefined name
# was found; 2 on usage errors; 3 if the self-test of the checks fails.
set -euo pipefail

die() { echo "bench/selfcheck.sh: error: $*" >&2; exit 2; }

INVOKED_FROM=$PWD
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
abspath() { (cd "$INVOKED_FROM" && realpath -m -- "$1"); }

PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
if [[ -n ${PICKLEFIX:-} ]]; then
  if [[ $PICKLEFIX == */* ]]; then PICKLEFIX=$(abspath "$PICKLEFIX")
  else PICKLEFIX=$(command -v -- "$PICKLEFIX") || die "PICKLEFIX=$PICKLEFIX not found on PATH"; fi
else
  PICKLEFIX=$REPO/target/release/picklefix
fi
[[ -x $PICKLEFIX ]] || die "picklefix binary not found or not executable: $PICKLEFIX (build it first)"
if [[ -n ${CORPUS:-} ]]; then CORPUS=$(abspath "$CORPUS")
elif [[ -d /work/corpus ]]; then CORPUS=/work/corpus
else CORPUS=$REPO/bench/.corpus; fi
[[ -d $CORPUS ]] || die "corpus not found: $CORPUS (build it with ../shared/bench/corpus.sh DIR)"

SAMPLE=${SAMPLE:-2000}
[[ $SAMPLE =~ ^([1-9][0-9]*|ALL|all)$ ]] || die "SAMPLE must be a positive integer or ALL (got '$SAMPLE')"
SEED=${SEED:-11}
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer (got '$SEED')"
PER_FILE=${PER_FILE:-2}
[[ $PER_FILE =~ ^[1-9][0-9]*$ ]] || die "PER_FILE must be a positive integer (got '$PER_FILE')"
BIAS=${BIAS:-0.5}
[[ $BIAS =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || die "BIAS must be a number from 0 to 1 (got '$BIAS')"
IMPORT=${IMPORT:-local}
[[ $IMPORT == local || $IMPORT == top ]] || die "IMPORT must be local or top (got '$IMPORT')"
JOBS=${JOBS:-$(nproc)}
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "JOBS must be a positive integer (got '$JOBS')"

OUT=$REPO/bench/.results/selfcheck-$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
EXTRA=()
[[ ${KEEP:-0} == 1 ]] && EXTRA+=(--keep)
[[ ${AGAIN:-0} == 1 ]] && EXTRA+=(--again)
set +e
"$PYTHON" "$REPO/bench/selfcheck.py" --picklefix "$PICKLEFIX" --corpus "$CORPUS" \
  --sample "$SAMPLE" --seed "$SEED" --per-file "$PER_FILE" --bias "$BIAS" \
  --import "$IMPORT" --jobs "$JOBS" --out "$OUT" --cache "$REPO/bench/.results/selfcheck-cache" \
  "${EXTRA[@]}" | tee "$OUT/report.md"
exit "${PIPESTATUS[0]}"
