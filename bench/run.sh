#!/usr/bin/env bash
# bench/run.sh — time `picklefix --check` against ruff (parse only, E9) and an
# ast-grep pattern scan on the shared Python corpus, plus 25/50/100% subsets.
#
# Usage: bench/run.sh            (from anywhere; see BENCHMARKS.md "How to run")
#
# Environment:
#   ROUNDS=5            counted rounds (after one warm-up run per command)
#   PICKLEFIX=...       binary to time (default: target/release/picklefix)
#   SKIP_BUILD=1        do not run `cargo build --release` first
#   CORPUS=DIR          corpus folder (alias: PICKLEFIX_CORPUS; default bench/.corpus);
#                       built with ../shared/bench/corpus.sh only if DIR is missing
#   CORPUS_SH=FILE      corpus script (default: <repo>/../shared/bench/corpus.sh)
#   PYTHON=python3      interpreter for the venv and the helper
#
# Markdown report on stdout; progress on stderr; raw timings and the report are
# also kept in bench/.results/<timestamp>/.
set -euo pipefail
export LC_ALL=C   # '.' decimal separator in $EPOCHREALTIME

die() { echo "bench/run.sh: error: $*" >&2; exit 2; }
say() { echo "[bench] $*" >&2; }

INVOKED_FROM=$PWD
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$REPO/bench

# Resolve user-given paths relative to the caller's directory.
abspath() { (cd "$INVOKED_FROM" && realpath -m -- "$1"); }

ROUNDS=${ROUNDS:-5}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive integer (got '$ROUNDS')"
PYTHON=${PYTHON:-python3}
if [[ -n ${CORPUS:-} ]]; then CORPUS=$(abspath "$CORPUS")
elif [[ -n ${PICKLEFIX_CORPUS:-} ]]; then CORPUS=$(abspath "$PICKLEFIX_CORPUS")
else CORPUS=$BENCH/.corpus; fi
CORPUS_SH=${CORPUS_SH:-$REPO/../shared/bench/corpus.sh}
if [[ -n ${PICKLEFIX:-} ]]; then
  if [[ $PICKLEFIX == */* ]]; then PICKLEFIX=$(abspath "$PICKLEFIX")
  else PICKLEFIX=$(command -v -- "$PICKLEFIX") || die "PICKLEFIX=$PICKLEFIX not found on PATH"; fi
else
  PICKLEFIX=$REPO/target/release/picklefix
fi
VENV=$BENCH/.venv
SUBSETS=$BENCH/.subsets
RUFF_PIN=0.17.6
ASTGREP_PIN=0.51.1
AG_PATTERN='$P.submit(self.$M, $$$)'

[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is required for peak RSS"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found"
cd "$REPO"

# --- 1. build ---------------------------------------------------------------
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  say "cargo build --release"
  cargo build --release >&2 || die "cargo build --release failed"
fi
[[ -x $PICKLEFIX ]] || die "picklefix binary not found or not executable: $PICKLEFIX"

# --- 2. corpus --------------------------------------------------------------
if [[ ! -d $CORPUS ]]; then
  [[ -f $CORPUS_SH ]] || die "corpus script not found: $CORPUS_SH"
  say "building corpus in $CORPUS with $CORPUS_SH"
  bash "$CORPUS_SH" "$CORPUS" >&2 || die "corpus build failed"
else
  say "re-using corpus $CORPUS"
fi
read -r FILES BYTES < <("$PYTHON" "$BENCH/bench.py" stats "$CORPUS")
(( FILES > 0 )) || die "no .py files in $CORPUS"

# --- 3. peers in bench/.venv ------------------------------------------------
RUFF=$VENV/bin/ruff
ASTGREP=$VENV/bin/ast-grep
have() { [[ -x $1 ]] && [[ $("$1" --version 2>/dev/null) == "$2" ]]; }
if ! have "$RUFF" "ruff $RUFF_PIN" || ! have "$ASTGREP" "ast-grep $ASTGREP_PIN"; then
  say "installing ruff==$RUFF_PIN ast-grep-cli==$ASTGREP_PIN into $VENV"
  [[ -x $VENV/bin/python ]] || "$PYTHON" -m venv "$VENV" || die "venv creation failed"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "ruff==$RUFF_PIN" "ast-grep-cli==$ASTGREP_PIN" >&2 || die "pip install failed"
  have "$RUFF" "ruff $RUFF_PIN" || die "unexpected ruff version: $("$RUFF" --version)"
  have "$ASTGREP" "ast-grep $ASTGREP_PIN" || die "unexpected ast-grep version: $("$ASTGREP" --version)"
fi

# --- 4. is picklefix real yet? ------------------------------------------------
PF_STATUS=ok
if help_out=$("$PICKLEFIX" --help 2>&1) && grep -qi 'usage' <<<"$help_out"; then
  PF_VERSION=$("$PICKLEFIX" --version 2>/dev/null | head -n1) || PF_VERSION=
  PF_VERSION=${PF_VERSION:-picklefix (no --version)}
else
  PF_STATUS="pending: \`picklefix --help\` prints no usage message (stub binary); not timed"
  PF_VERSION="picklefix: stub"
  say "WARNING: $PICKLEFIX looks like a stub (no usage message from --help); picklefix rows will read 'pending'"
fi

# --- 5. subsets -----------------------------------------------------------------
declare -A SUB_DIR SUB_FILES SUB_BYTES
while read -r pct dir n b; do
  SUB_DIR[$pct]=$dir; SUB_FILES[$pct]=$n; SUB_BYTES[$pct]=$b
done < <("$PYTHON" "$BENCH/bench.py" subsets "$CORPUS" "$SUBSETS")
[[ ${SUB_FILES[100]:-0} == "$FILES" ]] || die "100% subset has ${SUB_FILES[100]:-0} files, corpus $FILES"

# --- results folder -------------------------------------------------------------
OUT=$BENCH/.results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"
RUNS=$OUT/runs.tsv; META=$OUT/meta.tsv; TF=$OUT/time.txt
: >"$RUNS"

# Command line of each tool on DIR, into the array CMD.
set_cmd() {
  case $1 in
    picklefix) CMD=("$PICKLEFIX" --check "$2") ;;
    # --isolated: the repository's own pyproject.toml (requires-python >=3.8) must not
    # turn ruff's parse-only run into a py38 syntax check of the corpus.
    ruff)      CMD=("$RUFF" check --isolated --select E9 --no-cache "$2") ;;
    ast-grep)  CMD=("$ASTGREP" run -p "$AG_PATTERN" -l python "$2") ;;
  esac
}
# Exit codes that are not failures: picklefix 1 = findings, ruff 1 = diagnostics,
# ast-grep 1 = no match.
ok_rc() { [[ $1 == 0 || $1 == 1 ]]; }

# One counted run: all output to /dev/null; wall time from $EPOCHREALTIME around
# /usr/bin/time -v (which records peak RSS and CPU time).
timed() {  # SECTION TOOL ROUND DIR
  local sec=$1 tool=$2 rnd=$3 rc=0 t0 t1 rss usr sys
  set_cmd "$tool" "$4"
  t0=$EPOCHREALTIME
  /usr/bin/time -v -o "$TF" "${CMD[@]}" >/dev/null 2>&1 || rc=$?
  t1=$EPOCHREALTIME
  ok_rc "$rc" || die "$tool exited $rc in round $rnd: ${CMD[*]}"
  read -r rss usr sys < <(awk -F': ' '/Maximum resident set size/{r=$2}
    /User time \(seconds\)/{u=$2} /System time \(seconds\)/{s=$2} END{print r, u, s}' "$TF")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$sec" "$tool" "$rnd" "$t0" "$t1" "$rss" "$usr" "$sys" "$rc" >>"$RUNS"
}

# Background load: CPU busy time of the whole machine (/proc/stat) over a
# window, minus the CPU time of our counted runs, per second of wall time.
HZ=$(getconf CLK_TCK)
busy_jiffies() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
window_start() { W_T0=$EPOCHREALTIME; W_J0=$(busy_jiffies); }
window_end() {  # NAME: append "NAME wall_s machine_busy_cpu_s" to $OUT/load.tsv
  printf '%s\t%s\t%s\n' "$1" "$(awk -v a="$W_T0" -v b="$EPOCHREALTIME" 'BEGIN{print b - a}')" \
    "$(awk -v a="$W_J0" -v b="$(busy_jiffies)" -v hz="$HZ" 'BEGIN{print (b - a) / hz}')" >>"$OUT/load.tsv"
}
: >"$OUT/load.tsv"

TOOLS=(ruff ast-grep)
[[ $PF_STATUS == ok ]] && TOOLS=(picklefix "${TOOLS[@]}")

# --- 6. full corpus: warm-up (output captured for the notes), then rounds ----------
declare -A WARM
for tool in "${TOOLS[@]}"; do
  say "warm-up $tool (full corpus)"
  set_cmd "$tool" "$CORPUS"
  [[ $tool == ast-grep ]] && CMD+=(--inspect summary)
  rc=0
  "${CMD[@]}" >"$OUT/warm-$tool.out" 2>"$OUT/warm-$tool.err" || rc=$?
  if ! ok_rc "$rc"; then
    tail -n 20 "$OUT/warm-$tool.err" >&2
    die "$tool exited $rc: ${CMD[*]}"
  fi
  lines=$(wc -l <"$OUT/warm-$tool.out")
  note="warm-up: exit $rc, $lines stdout lines"
  case $tool in
    ruff)
      seen=$("$RUFF" check --isolated --select E9 --no-cache --show-files "$CORPUS" 2>/dev/null | grep -c '\.py$' || true)
      warns=$(grep -c '^warning' "$OUT/warm-$tool.err" || true)
      note+=", $warns stderr warnings; --show-files: $seen files" ;;
    ast-grep)
      counts=$(grep -o "scannedFileCount=[0-9]*,skippedFileCount=[0-9]*" "$OUT/warm-$tool.err" | sed "s/,/, /" || true)
      note+=" (= matches); --inspect summary: ${counts:-?}" ;;
  esac
  WARM[$tool]=$note
done
n=${#TOOLS[@]}
window_start
for ((r = 1; r <= ROUNDS; r++)); do
  say "full corpus: round $r/$ROUNDS"
  for ((i = 0; i < n; i++)); do
    timed full "${TOOLS[(i + r) % n]}" "$r" "$CORPUS"
  done
done
window_end full

# --- 7. subsets: picklefix and ruff ----------------------------------------------
PAIRS=()
for pct in 25 50 100; do
  [[ $PF_STATUS == ok ]] && PAIRS+=("$pct picklefix")
  PAIRS+=("$pct ruff")
done
n=${#PAIRS[@]}
say "subsets: warm-up"
for pair in "${PAIRS[@]}"; do
  read -r pct tool <<<"$pair"
  set_cmd "$tool" "${SUB_DIR[$pct]}"
  rc=0; "${CMD[@]}" >/dev/null 2>&1 || rc=$?
  ok_rc "$rc" || die "$tool exited $rc on the $pct% subset: ${CMD[*]}"
done
window_start
for ((r = 1; r <= ROUNDS; r++)); do
  say "subsets: round $r/$ROUNDS"
  for ((i = 0; i < n; i++)); do
    read -r pct tool <<<"${PAIRS[(i + r) % n]}"
    timed "sub$pct" "$tool" "$r" "${SUB_DIR[$pct]}"
  done
done
window_end subsets

# --- 8. report ---------------------------------------------------------------------
{
  printf 'date\t%s\n' "$(date -u +'%Y-%m-%d %H:%M UTC')"
  printf 'nproc\t%s\n' "$(nproc)"
  printf 'cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  printf 'mem\t%s\n' "$(awk '/^MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  printf 'kernel\t%s\n' "$(uname -sr)"
  printf 'corpus\t%s\n' "$CORPUS"
  printf 'files\t%s\nbytes\t%s\n' "$FILES" "$BYTES"
  printf 'rounds\t%s\n' "$ROUNDS"
  printf 'v_picklefix\t%s\n' "$PF_VERSION"
  printf 'v_ruff\t%s\n' "$("$RUFF" --version)"
  printf 'v_astgrep\t%s\n' "$("$ASTGREP" --version)"
  printf 'picklefix_status\t%s\n' "$PF_STATUS"
  printf 'cmd_picklefix\t%s\n' "picklefix --check CORPUS"
  printf 'cmd_ruff\t%s\n' "ruff check --isolated --select E9 --no-cache CORPUS"
  printf 'cmd_ast-grep\t%s\n' "ast-grep run -p '$AG_PATTERN' -l python CORPUS"
  for tool in "${!WARM[@]}"; do printf 'warm_%s\t%s\n' "$tool" "${WARM[$tool]}"; done
  printf 'subsets\t%s\n' "$SUBSETS"
  for pct in 25 50 100; do
    printf 'sub%s_files\t%s\nsub%s_bytes\t%s\n' "$pct" "${SUB_FILES[$pct]}" "$pct" "${SUB_BYTES[$pct]}"
  done
} >"$META"

rm -f "$TF"
"$PYTHON" "$BENCH/bench.py" report "$META" "$RUNS" "$OUT/load.tsv" | tee "$OUT/report.md"
say "raw timings and report: $OUT"
