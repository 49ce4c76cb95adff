#!/usr/bin/env bash
# Profiles rotor under wrk load: perf record -g on the server process while
# wrk (2 threads, 32 connections) drives one operation, then the top of
# `perf report` (children and self) into <out>/profile-<op>.txt.
#
#   bench/profile.sh OP [seconds] [out dir]     OP: Encrypt|Decrypt|GenerateDataKey|DescribeKey|
#                                                   CreateKey|RotateKeyOnDemand|ceiling
# BENCH_BUILD_DIR (build-release; build it with frame pointers for better stacks, e.g.
# scripts/build.sh build-prof RelWithDebInfo -DBUILD_TESTING=OFF -DROTOR_WERROR=OFF -DCMAKE_CXX_FLAGS=-fno-omit-frame-pointer;
# GCC 12 then warns -Wmismatched-new-delete inside Boost.Asio coroutines, hence WERROR=OFF).
# CreateKey and RotateKeyOnDemand run on a --data-dir (durable), the others --in-memory.
set -euo pipefail
cd "$(dirname "$0")/.."
op=${1:?operation}
secs=${2:-10}
out=${3:-bench/out/profile}
build=${BENCH_BUILD_DIR:-build-release}
mkdir -p "$out"
work=$(mktemp -d /tmp/rotor-prof-XXXXXX)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
case $op in
  CreateKey|RotateKeyOnDemand) store=(--data-dir "$work/data") ;;
  *) store=(--in-memory) ;;
esac
"$build/rotor" --port "$port" "${store[@]}" --on-demand-rotation-limit 100000 >"$work/rotor.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/_rotor/health" && break; sleep 0.1; done
python3 bench/prepare.py --port "$port" --out "$work/p" --rotation-keys 1000 2>/dev/null
keys=
[[ $op == RotateKeyOnDemand ]] && keys=$work/p/rotation_keys.txt
BENCH_TARGET=$op BENCH_BODY_FILE=$work/p/$op.json BENCH_KEYS_FILE=$keys \
  timeout $((secs + 30)) wrk -t2 -c32 -d"$((secs + 2))s" --latency -s bench/kms.lua "http://127.0.0.1:$port/" \
  >"$out/profile-$op-wrk.txt" 2>&1 &
wrk_pid=$!
sleep 1
perf record -F 999 -g -p "$pid" -o "$work/perf.data" -- sleep "$secs" >/dev/null 2>&1
wait "$wrk_pid" || true
{
  echo "# perf record -F 999 -g -p ROTOR -- sleep $secs, under wrk -t2 -c32 $op ($(grep Requests/sec "$out/profile-$op-wrk.txt" | xargs))"
  echo "## children (inclusive), top 60"
  perf report -i "$work/perf.data" --stdio --children --percent-limit 1.5 --no-demangle 2>/dev/null |
    c++filt | grep -E '^ +[0-9]' | head -60 || true
  echo "## self, top 40"
  perf report -i "$work/perf.data" --stdio --no-children --percent-limit 0.7 2>/dev/null |
    c++filt | grep -E '^ +[0-9]' | head -40 || true
  echo "## by thread (comm)"
  perf report -i "$work/perf.data" --stdio --no-children --sort comm 2>/dev/null | grep -E '^ +[0-9]' | head || true
} >"$out/profile-$op.txt"
echo "profile: $out/profile-$op.txt"
