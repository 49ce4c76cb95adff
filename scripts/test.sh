#!/usr/bin/env bash
# Sets up what is missing, builds once, runs the Catch2 unit tests (ctest) and
# every end-to-end suite against the real rotor binary. Exits non-zero on any
# failure and ends with a one-line summary.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/bootstrap.sh || exit 1
scripts/build.sh build RelWithDebInfo || { echo "test.sh: BUILD FAILED"; exit 1; }

failed=()
run() {
  local name=$1; shift
  echo "=== $name"
  if "$@"; then echo "=== $name: passed"; else echo "=== $name: FAILED"; failed+=("$name"); fi
}

export ROTOR_BIN=$PWD/build/rotor
run "unit tests (ctest)" ctest --test-dir build --output-on-failure -j2 --timeout 300
[[ -x tests/e2e/python/run.sh ]] && run "e2e: boto3 + aws CLI" tests/e2e/python/run.sh
[[ -x tests/e2e/js/run.sh ]] && run "e2e: JS SDK + Encryption SDK" tests/e2e/js/run.sh
[[ -x labs/run_all.sh ]] && run "labs (aws CLI)" labs/run_all.sh
# The dashboard in a real browser (installs Debian's chromium on first use;
# ROTOR_SKIP_BROWSER=1 skips it on machines without the room for it).
[[ -x tests/e2e/dashboard/run.sh ]] && run "e2e: dashboard (headless Chromium)" tests/e2e/dashboard/run.sh

elapsed=$(( $(date +%s) - start ))
if ((${#failed[@]})); then
  echo "test.sh: FAILED (${failed[*]}) in ${elapsed}s"
  exit 1
fi
echo "test.sh: all suites passed in ${elapsed}s"
