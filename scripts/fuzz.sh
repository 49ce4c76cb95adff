#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, coverage on every library)
# and fuzzes each for a while, one at a time.
#
#   scripts/fuzz.sh [seconds per target] [target...]
#
# Default 60 s per target, every target of tests/fuzz. Seeds come from
# tests/fuzz/corpus/<target>/ (read-only); what the fuzzer learns goes to
# build-fuzz/corpus/<target>/ and crashes to build-fuzz/artifacts/. With
# FUZZ_MERGE=1 the learned inputs are merged (minimised) back into
# tests/fuzz/corpus/. Exits non-zero if any target crashed; each crash's input
# is printed for a regression copy into tests/fuzz/corpus/<target>/.
# Environment: FUZZ_BUILD_DIR (build-fuzz). One target at a time (2-core machines).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fuzz_router fuzz_json_request fuzz_ciphertext_blob fuzz_sigv4 fuzz_seed_file)
dir=${FUZZ_BUILD_DIR:-build-fuzz}

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ missing (apt-get install clang)"; exit 2; }
CXX=clang++ scripts/build.sh "$dir" RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DBUILD_TESTING=OFF \
  -DROTOR_FUZZ=ON -DROTOR_WERROR=OFF "-DROTOR_SANITIZE=address,undefined,fuzzer-no-link" ||
  { echo "fuzz.sh: BUILD FAILED"; exit 1; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
crashed=()
for t in "${targets[@]}"; do
  work=$dir/corpus/$t
  art=$dir/artifacts/$t
  mkdir -p "$work" "$art"
  echo "=== fuzzing $t for ${seconds}s"
  "$dir/tests/fuzz/$t" "$work" "tests/fuzz/corpus/$t" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=8192 \
    -artifact_prefix="$art/" -print_final_stats=1 2>&1 | tee "$dir/fuzz-$t.log" | grep -E "^#[0-9]+ +(DONE|INITED)|stat::|ERROR|SUMMARY|Test unit written" || true
  if ls "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-* >/dev/null 2>&1; then
    crashed+=("$t")
    echo "fuzz.sh: $t found: $(ls "$art")"
  fi
  if [[ ${FUZZ_MERGE:-0} == 1 ]]; then
    "$dir/tests/fuzz/$t" -merge=1 "tests/fuzz/corpus/$t" "$work" -max_len=8192 >/dev/null 2>&1
  fi
done
if ((${#crashed[@]})); then
  echo "fuzz.sh: crashes in ${crashed[*]} (inputs under $dir/artifacts/)"
  exit 1
fi
echo "fuzz.sh: no crash in ${#targets[@]} targets x ${seconds}s"
