#!/usr/bin/env bash
# make upgrade-check: does the book still pass on the newest versions requirements.in allows?
#
# 1. uv compiles requirements.in with --upgrade into a scratch lock (requirements.txt is never touched);
# 2. a scratch copy of the project (tracked and new files, not .venv or _build) gets that lock as its
#    requirements.txt, and its own .venv from it (make's ordinary install);
# 3. `make test` runs in the copy. The result: "upgrade check passed", or each failing test by name
#    (FAILED/ERROR lines of pytest), with the versions that moved, and the full log's path.
# Not part of make test: it installs a whole environment and runs every test (some 10 minutes).
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${UPGRADE_DIR:-$here/_build/upgrade-check}"
uv="$here/.venv/bin/uv"
copy="$scratch/project"
log="$scratch/make-test.log"

mkdir -p "$scratch"
echo "upgrade check: compiling the newest versions requirements.in allows into $scratch/requirements.txt ..."
"$uv" pip compile -q --upgrade "$here/requirements.in" -o "$scratch/requirements.txt" --python-version 3.11 \
  --custom-compile-command "make upgrade-check" || { echo "upgrade check FAILED: uv could not resolve requirements.in"; exit 1; }

echo "versions that move (pinned -> newest allowed):"
moved=$(join -j1 <(grep -E '^[A-Za-z0-9_.-]+==' "$here/requirements.txt" | sed 's/==/ /' | sort) \
                <(grep -E '^[A-Za-z0-9_.-]+==' "$scratch/requirements.txt" | sed 's/==/ /' | sort) \
        | awk '$2 != $3 {printf "  %s %s -> %s\n", $1, $2, $3}')
echo "${moved:-  none: the pins are the newest allowed}"

echo "upgrade check: copying the project into $copy ..."
rm -rf "$copy" && mkdir -p "$copy"
(cd "$here" && git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$copy"
cp "$scratch/requirements.txt" "$copy/requirements.txt"
# The vendored checkers (axe-core, the Nu HTML Checker) are not pins: reuse them rather than fetch again.
[ -d "$here/.cache" ] && cp -a "$here/.cache" "$copy/.cache"

echo "upgrade check: installing the upgraded environment and running make test (log: $log) ..."
(cd "$copy" && make test) >"$log" 2>&1
status=$?
if [ $status -eq 0 ]; then
  echo "upgrade check passed: make test passes on the newest allowed versions (lock: $scratch/requirements.txt)"
  exit 0
fi
echo "upgrade check FAILED: make test fails on the newest allowed versions. Failing outputs:"
grep -E '^(FAILED|ERROR) ' "$log" | sed 's/^/  /' || true
grep -qE '^(FAILED|ERROR) ' "$log" || tail -n 30 "$log" | sed 's/^/  /'
echo "full log: $log"
exit 1
