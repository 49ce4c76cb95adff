#!/usr/bin/env bash
# Sets up what is missing, builds once, runs the Catch2 unit tests (ctest) and
# every end-to-end suite against the real rotor binary. Exits non-zero on any
# failure and ends with a one-line summary.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/bootstrap.sh || exit 1
# Release (-O3), as scripts/run.sh builds it: GCC warns about some code only at
# -O3, and with -Werror such a warning broke the README's first command while
# every test passed on an -O2 build.
scripts/build.sh build Release || { echo "test.sh: BUILD FAILED"; exit 1; }
echo "=== bootstrap and build: $(( $(date +%s) - start ))s"

failed=()
run() {
  local name=$1; shift
  local t0=$(date +%s)
  echo "=== $name"
  if "$@"; then
    echo "=== $name: passed in $(( $(date +%s) - t0 ))s"
  else
    echo "=== $name: FAILED after $(( $(date +%s) - t0 ))s"; failed+=("$name")
  fi
}
# Two sequential client suites at once: each keeps about one of the box's two
# cores busy (a Python or Node client, one server at a time). start_beside NAME
# CMD... starts CMD in the background with its output kept aside; finish_beside
# waits for it as the stage NAME, then prints that output.
beside_pid="" beside_name="" beside_log="" beside_t0=0
start_beside() {
  beside_name=$1; shift
  beside_log=$(mktemp) beside_t0=$(date +%s)
  echo "=== $beside_name: started, beside the next stage"
  "$@" >"$beside_log" 2>&1 &
  beside_pid=$!
}
wait_beside() {
  local rc=0
  wait "$beside_pid" || rc=$?
  cat "$beside_log"; rm -f "$beside_log"
  echo "($beside_name: $(( $(date +%s) - beside_t0 ))s from its start)"
  return $rc
}
finish_beside() {
  if [[ -n $beside_pid ]]; then run "$beside_name" wait_beside; fi
  beside_pid=""
}

export ROTOR_BIN=$PWD/build/rotor
# A throwaway PostgreSQL (Debian's postgresql package; loopback, a free port,
# run by an unprivileged user) for the PostgreSQL store: its unit tests
# (ROTOR_TEST_DATABASE_URL) and the e2e suites on --store postgres below.
pg_dir=$(mktemp -d /tmp/rotor-pg-XXXXXX)
chmod 755 "$pg_dir"  # the cluster's user must reach its folder inside
stop_pg() { scripts/pg_test_cluster.sh stop "$pg_dir/pg" || true; rm -rf "$pg_dir"; }
trap stop_pg EXIT
if pg_url=$(scripts/pg_test_cluster.sh start "$pg_dir/pg"); then
  export ROTOR_TEST_DATABASE_URL=$pg_url
  echo "=== PostgreSQL for the store's tests: $pg_url"
else
  echo "=== PostgreSQL: FAILED to start"; failed+=("PostgreSQL test cluster")
  pg_url=""
fi
run "format: every C++ file as .clang-format says" scripts/check_format.sh
# ctest runs what catch_discover_tests registered; a test name CMake's list
# syntax mangles (a ';' or an unbalanced '[') is registered wrongly and then
# "passes" without running. So the count of registered tests must equal what
# each binary lists, or the step fails naming the binary.
unit_tests() {
  ctest --test-dir build --output-on-failure -j2 --timeout 300 || return 1
  local bin name listed registered rc=0
  for bin in build/tests/*_tests; do
    name=$(basename "$bin")
    listed=$("$bin" --list-test-names-only 2>/dev/null | grep -c .)
    registered=$(ctest --test-dir build -N | grep -c "Test *#[0-9]*: $name:")
    if ((listed != registered)); then
      echo "unit tests: $name lists $listed tests but ctest registered $registered" \
        "(a test name with ';' or an unbalanced '['?)"
      rc=1
    fi
  done
  return $rc
}
run "unit tests (ctest)" unit_tests
# The same crypto against every OpenSSL 3.0.x runtime in ROTOR_OPENSSL_RUNTIMES
# (default: the shared folder beside the checkout): OpenSSL's behaviour differs
# between patch releases (SM2 distinguishing IDs: 3.0.19 vs 3.0.22). Each run
# prints the library it loaded.
runtimes=${ROTOR_OPENSSL_RUNTIMES:-}
if [[ -z $runtimes ]]; then
  for d in ../shared/openssl /work/shared/openssl; do [[ -d $d ]] && { runtimes=$d; break; }; done
fi
with_openssl() {  # $1: a folder holding libcrypto.so.3 and libssl.so.3
  local log rc=0
  log=$(mktemp)
  LD_LIBRARY_PATH=$1 build/tests/core_tests >"$log" 2>&1 || rc=1
  grep -E "^OpenSSL loaded|^All tests passed|^test cases" "$log"
  ((rc == 0)) || { tail -60 "$log"; rm -f "$log"; return 1; }
  LD_LIBRARY_PATH=$1 tests/e2e/python/run.sh -k test_asymmetric_import >"$log" 2>&1 || rc=1
  grep -oE "server loaded OpenSSL [^ ]+" "$log" | head -1
  ((rc == 0)) && tail -3 "$log" || tail -60 "$log"
  rm -f "$log"
  return $rc
}
if [[ -n $runtimes ]]; then
  for lib in "$runtimes"/3.*/; do
    [[ -f $lib/libcrypto.so.3 ]] || continue
    lib=$(cd "$lib" && pwd)
    run "OpenSSL $(basename "$lib"): crypto unit tests + asymmetric e2e" with_openssl "$lib"
  done
else
  echo "=== OpenSSL runtimes: none found (set ROTOR_OPENSSL_RUNTIMES); tested with the installed one only"
fi
# The PostgreSQL pass of the Python suite runs beside the SQLite pass (each
# server it starts has a schema of its own).
if [[ -n $pg_url ]]; then
  ROTOR_E2E_DATABASE_URL=$pg_url start_beside "e2e on --store postgres: boto3 + aws CLI" \
    tests/e2e/python/run.sh
fi
[[ -x tests/e2e/python/run.sh ]] && run "e2e: boto3 + aws CLI" tests/e2e/python/run.sh
finish_beside
if [[ -n $pg_url && -x tests/e2e/js/run.sh ]]; then
  # The JS suite again (~40 s) with every server it starts on a schema of its own
  # (tests/e2e/rotor_on_postgres.sh stands in for the binary; the labs, ~5 min that
  # way, were run once by hand: docs/scaling.md), beside the labs.
  PG_WRAP_URL=$pg_url PG_WRAP_BIN=$PWD/build/rotor ROTOR_BIN=$PWD/tests/e2e/rotor_on_postgres.sh \
    start_beside "e2e on --store postgres: JS SDK + Encryption SDK" tests/e2e/js/run.sh
fi
[[ -x labs/run_all.sh ]] && run "labs (aws CLI)" labs/run_all.sh
finish_beside
[[ -x tests/e2e/js/run.sh ]] && run "e2e: JS SDK + Encryption SDK" tests/e2e/js/run.sh
run "e2e: hostile clients" tests/e2e/hostile/run.sh
# The same 1000 slowloris connections with the server near a 1024-descriptor
# ceiling (CI's default): timeouts closing sockets beside the session once
# crashed the server there and nowhere else.
run "e2e: slowloris at a 1024-descriptor limit" \
  bash -c 'ulimit -n 1024 && exec tests/e2e/hostile/run.sh -k slowloris'
run "crash: kill -9 durability, 5 cycles" timeout 600 python3 tests/crash/crash_test.py --cycles 5
run "crash: full disk, read-only dir, locked database" \
  timeout 600 python3 -m unittest discover -s tests/crash -t tests/crash -p 'test_*.py'

# Sanitizers (ROTOR_TEST_SANITIZERS=0 skips them): one ASan+UBSan build for the unit
# tests, the fuzz corpora (replayed by ctest) and an end-to-end run; a ThreadSanitizer
# build of only the concurrency test (its own binary) and the server. Reports of
# server processes go to files (their stderr is a temp log), so an empty report dir
# is a test too.
if [[ ${ROTOR_TEST_SANITIZERS:-1} != 0 ]]; then
  san_logs=$(mktemp -d /tmp/rotor-sanitizers-XXXXXX)
  no_reports() {
    if compgen -G "$san_logs/*" >/dev/null; then head -c 20000 "$san_logs"/*; return 1; fi
  }
  tb=$(date +%s)
  if scripts/build.sh build-asan Debug -DROTOR_SANITIZE=address,undefined -DROTOR_WERROR=OFF -DROTOR_FUZZ=ON; then
    echo "=== ASan+UBSan build: $(( $(date +%s) - tb ))s"
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      run "ASan+UBSan: unit tests + fuzz corpus replay" ctest --test-dir build-asan --output-on-failure -j2 --timeout 600
    export ASAN_OPTIONS=log_path=$san_logs/asan UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$san_logs/ubsan
    ROTOR_BIN=$PWD/build-asan/rotor run "ASan+UBSan: e2e hostile clients" tests/e2e/hostile/run.sh
    ROTOR_BIN=$PWD/build-asan/rotor run "ASan+UBSan: crash test, 2 cycles" \
      timeout 300 python3 tests/crash/crash_test.py --cycles 2 --max-load 4
    run "ASan+UBSan: no report from any rotor process" no_reports
    unset ASAN_OPTIONS UBSAN_OPTIONS
  else
    echo "=== ASan+UBSan build: FAILED"; failed+=("ASan+UBSan build")
  fi
  tb=$(date +%s)
  if ROTOR_BUILD_TARGETS="concurrency_tests rotor" scripts/build.sh build-tsan Debug -DROTOR_SANITIZE=thread -DROTOR_WERROR=OFF; then
    echo "=== TSan build: $(( $(date +%s) - tb ))s"
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      run "TSan: concurrent rotate/encrypt/decrypt/alias swaps" build-tsan/tests/concurrency_tests "[concurrency]"
    export TSAN_OPTIONS=log_path=$san_logs/tsan
    ROTOR_BIN=$PWD/build-tsan/rotor run "TSan: crash test, 2 cycles" timeout 300 python3 tests/crash/crash_test.py --cycles 2 --max-load 4
    run "TSan: no report from any rotor process" no_reports
    unset TSAN_OPTIONS
  else
    echo "=== TSan build: FAILED"; failed+=("TSan build")
  fi
  rm -rf "$san_logs"
fi
# The dashboard in a real browser (installs Debian's chromium on first use;
# ROTOR_SKIP_BROWSER=1 skips it on machines without the room for it).
[[ -x tests/e2e/dashboard/run.sh ]] && run "e2e: dashboard (headless Chromium)" tests/e2e/dashboard/run.sh

elapsed=$(( $(date +%s) - start ))
if ((${#failed[@]})); then
  echo "test.sh: FAILED (${failed[*]}) in ${elapsed}s"
  exit 1
fi
echo "test.sh: all suites passed in ${elapsed}s"
