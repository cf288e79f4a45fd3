#!/usr/bin/env bash
# Builds the picklefix wheel with maturin in a throwaway venv, installs it into a second
# clean venv, and checks the installed `picklefix` works. Exits non-zero on any failure.
#
#   dist/check_wheel.sh [SOURCE_DIR]     (default: this repository's root)
#
# Environment: PYTHON (default python3), MATURIN_VERSION (default the one last verified),
# KEEP=1 to keep the temporary folder (its path is printed).
# Needs a Rust toolchain (cargo) and PyPI; the release build reuses SOURCE_DIR/target.
set -euo pipefail

MATURIN_VERSION="${MATURIN_VERSION:-1.16.0}"
PYTHON="${PYTHON:-python3}"
SRC="$(cd "${1:-$(dirname "$0")/..}" && pwd)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/picklefix-wheel.XXXXXX")"
if [ "${KEEP:-0}" = 1 ]; then
  echo "keeping $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
T0=$SECONDS
step() { echo; echo "== [$((SECONDS - T0))s] $*"; }

# The version the wheel must carry: Cargo.toml's [package] version.
CARGO_VERSION="$(sed -n '/^\[package\]/,/^\[/{s/^version *= *"\(.*\)"/\1/p}' "$SRC/Cargo.toml" | head -n1)"
[ -n "$CARGO_VERSION" ] || fail "no [package] version in $SRC/Cargo.toml"

step "build venv with maturin==$MATURIN_VERSION"
"$PYTHON" -m venv "$WORK/build-venv"
"$WORK/build-venv/bin/pip" install --quiet --disable-pip-version-check "maturin==$MATURIN_VERSION"
"$WORK/build-venv/bin/maturin" --version

step "maturin build --release (from $SRC)"
t=$SECONDS
(cd "$SRC" && "$WORK/build-venv/bin/maturin" build --release -o "$WORK/wheels")
echo "build took $((SECONDS - t))s"
shopt -s nullglob
wheels=("$WORK"/wheels/*.whl)
[ "${#wheels[@]}" -eq 1 ] || fail "expected one wheel, found ${#wheels[@]}"
WHEEL="${wheels[0]}"
echo "wheel: $(basename "$WHEEL") ($(stat -c %s "$WHEEL") bytes)"
case "$(basename "$WHEEL")" in
  picklefix-"$CARGO_VERSION"-py3-none-*.whl) ;;
  *) fail "wheel name does not carry version $CARGO_VERSION and the py3-none tag" ;;
esac

step "maturin sdist"
"$WORK/build-venv/bin/maturin" sdist -m "$SRC/Cargo.toml" -o "$WORK/sdist" >"$WORK/sdist.log" 2>&1 ||
  { cat "$WORK/sdist.log"; fail "maturin sdist failed"; }
grep -F 'Built source distribution' "$WORK/sdist.log" || true
sdists=("$WORK"/sdist/*.tar.gz)
[ "${#sdists[@]}" -eq 1 ] || fail "expected one sdist, found ${#sdists[@]}"
listing="$(tar tzf "${sdists[0]}")"
for f in pyproject.toml Cargo.toml Cargo.lock README.md src/main.rs; do
  grep -qx "picklefix-$CARGO_VERSION/$f" <<<"$listing" || fail "sdist lacks $f"
done
echo "sdist: $(basename "${sdists[0]}") ($(stat -c %s "${sdists[0]}") bytes, $(wc -l <<<"$listing") files)"

step "install the wheel into a clean venv"
"$PYTHON" -m venv "$WORK/venv"
# --no-index: the wheel has no dependencies, and nothing else may be picked up.
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$WHEEL"
BIN="$WORK/venv/bin/picklefix"
[ -x "$BIN" ] || fail "no executable at $BIN"

step "picklefix --version"
version_out="$("$BIN" --version)"
echo "$version_out"
[ "$version_out" = "picklefix $CARGO_VERSION" ] || fail "--version printed '$version_out'"

step "picklefix --check on a sample with a finding (expect exit 1)"
mkdir -p "$WORK/sample"
cat >"$WORK/sample/pages.py" <<'EOF'
import threading
from concurrent.futures import ProcessPoolExecutor


class Pages:
    def __init__(self):
        self.lock = threading.Lock()  # makes the instance unpicklable

    def measure(self, page):
        return len(page.strip())

    def run(self, pages):
        with ProcessPoolExecutor(max_workers=2) as pool:
            return list(pool.map(self.measure, pages))


if __name__ == "__main__":
    print(Pages().run([" ab ", "cde"]))
EOF
cat >"$WORK/sample/clean.py" <<'EOF'
from concurrent.futures import ProcessPoolExecutor


def measure(page):
    return len(page)


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as pool:
        print(list(pool.map(measure, ["ab", "cde"])))
EOF
set +e
out="$(cd "$WORK/sample" && "$BIN" --check --color never pages.py 2>"$WORK/stderr")"
rc=$?
set -e
echo "$out"; cat "$WORK/stderr"
[ "$rc" -eq 1 ] || fail "--check exited $rc, expected 1"
grep -q '^pages.py:14:.*PF001' <<<"$out" || fail "--check did not report PF001 at pages.py:14"

step "picklefix --check on a clean file (expect exit 0)"
(cd "$WORK/sample" && "$BIN" --check --color never clean.py) || fail "--check on clean.py exited $?"

step "the sample fails under a real pool before the fix"
if (cd "$WORK/sample" && "$PYTHON" pages.py >/dev/null 2>&1); then
  fail "pages.py ran before the fix: the sample no longer shows the problem"
fi
echo "ok: pages.py fails to pickle"

step "picklefix --write, then --check is clean and the program runs"
(cd "$WORK/sample" && "$BIN" --write --color never pages.py) || fail "--write exited $?"
(cd "$WORK/sample" && "$BIN" --check --color never pages.py) || fail "--check after --write exited $?"
run_out="$(cd "$WORK/sample" && "$PYTHON" pages.py)" || fail "fixed pages.py does not run"
[ "$run_out" = "[2, 3]" ] || fail "fixed pages.py printed '$run_out'"
echo "fixed pages.py prints $run_out"

echo
echo "PASS in $((SECONDS - T0))s: $(basename "$WHEEL") ($(stat -c %s "$WHEEL") bytes)"
