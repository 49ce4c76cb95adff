#!/usr/bin/env bash
# The long kill -9 durability run: tests/crash/crash_test.py for 100 cycles
# (override: bench/crash_long.sh CYCLES [SEED]) on the Release binary.
# Result: bench/out/crash-<date>.json and the summary line; exit 0 = nothing lost.
set -euo pipefail
cd "$(dirname "$0")/.."
cycles=${1:-100}
seed=${2:-$(date +%s)}
build=${BENCH_BUILD_DIR:-build-release}
[[ ${BENCH_SKIP_BUILD:-0} == 1 ]] || ROTOR_BUILD_TARGETS=rotor scripts/build.sh "$build" Release -DBUILD_TESTING=OFF
mkdir -p bench/out
out=bench/out/crash-$(date +%Y%m%d-%H%M%S).json
ROTOR_BIN=$PWD/$build/rotor timeout $((cycles * 60 + 300)) \
  python3 tests/crash/crash_test.py --cycles "$cycles" --seed "$seed" --max-load 3 --json-out "$out"
echo "crash_long: details in $out"
