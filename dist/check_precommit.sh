#!/usr/bin/env bash
# Runs the pre-commit hooks of .pre-commit-hooks.yaml for real: a throwaway git repository
# with Python files uses this repository as a hook repo (`repo:` a local path, `rev:` a
# commit), and pre-commit builds and installs picklefix with pip (maturin, PEP 517).
# Exits non-zero on any failure.
#
#   dist/check_precommit.sh [REPO]     (default: this repository's root)
#
# It tests REPO's committed HEAD. When HEAD does not yet hold pyproject.toml and
# .pre-commit-hooks.yaml, it clones HEAD into the temporary folder, copies those two files
# from REPO's work tree and commits them there (REPO itself is only read).
#
# Environment: PYTHON (default python3), PRE_COMMIT_VERSION (default the one last
# verified), KEEP=1 to keep the temporary folder.
# Needs git, a Rust toolchain (cargo) and PyPI. The first hook install compiles the crate
# from scratch (a few minutes).
set -euo pipefail

PRE_COMMIT_VERSION="${PRE_COMMIT_VERSION:-4.7.0}"
PYTHON="${PYTHON:-python3}"
REPO="$(cd "${1:-$(dirname "$0")/..}" && pwd)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/picklefix-precommit.XXXXXX")"
if [ "${KEEP:-0}" = 1 ]; then
  echo "keeping $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi

fail() { echo "FAIL: $*" >&2; exit 1; }
T0=$SECONDS
step() { echo; echo "== [$((SECONDS - T0))s] $*"; }

# Commits below are made only in repositories inside $WORK.
export GIT_AUTHOR_NAME=picklefix-check GIT_AUTHOR_EMAIL=check@example.invalid
export GIT_COMMITTER_NAME=picklefix-check GIT_COMMITTER_EMAIL=check@example.invalid
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
# pre-commit's clones and environments go here, not to ~/.cache/pre-commit.
export PRE_COMMIT_HOME="$WORK/pre-commit-home"

step "venv with pre-commit==$PRE_COMMIT_VERSION"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION"
PC="$WORK/venv/bin/pre-commit"
"$PC" --version

step "hook repository"
REV="$(git -C "$REPO" rev-parse HEAD)"
if git -C "$REPO" cat-file -e "HEAD:.pre-commit-hooks.yaml" 2>/dev/null &&
   git -C "$REPO" cat-file -e "HEAD:pyproject.toml" 2>/dev/null; then
  HOOK_REPO="$REPO"
  echo "using $REPO at HEAD $REV"
else
  HOOK_REPO="$WORK/hook-repo"
  git clone --quiet "$REPO" "$HOOK_REPO"
  git -C "$HOOK_REPO" checkout --quiet "$REV"
  for f in pyproject.toml .pre-commit-hooks.yaml; do
    [ -f "$REPO/$f" ] || fail "$REPO/$f does not exist"
    cp "$REPO/$f" "$HOOK_REPO/$f"
  done
  git -C "$HOOK_REPO" add pyproject.toml .pre-commit-hooks.yaml
  git -C "$HOOK_REPO" commit --quiet -m "packaging files from the work tree (check_precommit.sh)"
  REV="$(git -C "$HOOK_REPO" rev-parse HEAD)"
  echo "HEAD of $REPO lacks the packaging files: using a clone of it plus the work tree's"
  echo "pyproject.toml and .pre-commit-hooks.yaml, committed as $REV"
fi

step "a project that uses the hooks"
PROJECT="$WORK/project"
git init --quiet "$PROJECT"
cat >"$PROJECT/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $HOOK_REPO
    rev: $REV
    hooks: [{id: picklefix}, {id: picklefix-fix}]
EOF
cat "$PROJECT/.pre-commit-config.yaml"
cat >"$PROJECT/pages.py" <<'EOF'
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
cat >"$PROJECT/clean.py" <<'EOF'
def measure(page):
    return len(page)
EOF
cp "$PROJECT/pages.py" "$WORK/pages.orig.py"
git -C "$PROJECT" add -A

# run_hooks EXPECTED_RC LOG ARGS...: run pre-commit in the project, check its exit code.
run_hooks() {
  local want="$1" log="$2"; shift 2
  local rc=0
  (cd "$PROJECT" && "$PC" run --color never "$@") >"$log" 2>&1 || rc=$?
  cat "$log"
  [ "$rc" -eq "$want" ] || fail "pre-commit run $* exited $rc, expected $want"
}

step "install the hook environment (pip builds the wheel with maturin: compiles the crate)"
t=$SECONDS
(cd "$PROJECT" && "$PC" install-hooks) || fail "pre-commit install-hooks failed"
echo "hook install took $((SECONDS - t))s"
BIN="$(find "$PRE_COMMIT_HOME" -path '*/bin/picklefix' -type f | head -n1)"
[ -n "$BIN" ] || fail "no picklefix executable in the hook environment"
echo "installed: $BIN ($("$BIN" --version))"

step "hook picklefix on all files: fails with PF001 in pages.py"
run_hooks 1 "$WORK/check1.log" picklefix --all-files
grep -q 'pages.py:14:.*PF001' "$WORK/check1.log" || fail "no PF001 finding for pages.py:14"
cmp -s "$PROJECT/pages.py" "$WORK/pages.orig.py" || fail "the check hook changed pages.py"

step "hook picklefix on the staged files only (pre-commit's default)"
run_hooks 1 "$WORK/check2.log" picklefix
grep -q 'pages.py:14:.*PF001' "$WORK/check2.log" || fail "no PF001 finding for staged pages.py"

step "hook picklefix-fix: rewrites pages.py, so pre-commit fails (files were modified)"
run_hooks 1 "$WORK/fix1.log" picklefix-fix --all-files
grep -q 'files were modified by this hook' "$WORK/fix1.log" || fail "pre-commit did not see the rewrite"
! cmp -s "$PROJECT/pages.py" "$WORK/pages.orig.py" || fail "pages.py was not rewritten"
grep -q 'pool.map(measure, pages)' "$PROJECT/pages.py" || fail "pages.py was not rerouted to the hoisted function"
(cd "$PROJECT" && "$PYTHON" pages.py) || fail "the fixed pages.py does not run"

step "after the fix both hooks pass"
git -C "$PROJECT" add -A
run_hooks 0 "$WORK/check3.log" --all-files

step "git commit runs the hooks: a new unpicklable file is refused"
(cd "$PROJECT" && "$PC" install) >/dev/null
git -C "$PROJECT" commit --quiet -m "fixed" >"$WORK/commit0.log" 2>&1 ||
  { cat "$WORK/commit0.log"; fail "git commit of the fixed files was refused"; }
echo "commit of the fixed files: accepted"
cat >"$PROJECT/jobs.py" <<'EOF'
from multiprocessing import Pool


def main():
    with Pool(2) as pool:
        return pool.map(lambda x: x * 2, [1, 2])
EOF
git -C "$PROJECT" add jobs.py
rc=0
git -C "$PROJECT" commit -m "add jobs" >"$WORK/commit.log" 2>&1 || rc=$?
cat "$WORK/commit.log"
[ "$rc" -ne 0 ] || fail "git commit succeeded despite a finding"
grep -q 'jobs.py:6:.*PF002' "$WORK/commit.log" || fail "no PF002 finding for jobs.py in the commit"

echo
echo "PASS in $((SECONDS - T0))s (pre-commit $PRE_COMMIT_VERSION, hook rev $REV)"
