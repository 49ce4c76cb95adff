#!/usr/bin/env bash
# The PostgreSQL store against SQLite, one run (issue 18; docs/scaling.md):
#   sqlite  one rotor --data-dir (durable SQLite)
#   pg1     one rotor --store postgres
#   pg2     two rotor --store postgres replicas on one schema; wrk drives both at once
#           (one wrk per replica, half the connections each) and the rates are summed
# on Encrypt 4 KiB, DescribeKey and durable CreateKey, wrk -c32 (-c16 + -c16 for pg2), 10 s
# each (BENCH_DURATION). PostgreSQL is a throwaway cluster with its durable defaults (fsync
# on, synchronous_commit on: scripts/pg_test_cluster.sh, ROTOR_PG_DURABLE=1), on the same
# 2 cores as Rotor and wrk: a two-replica figure here measures contention for those cores,
# not what two machines would give.
#   bench/replicas.sh [output dir]     -> <dir>/replicas.md
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-bench/out/replicas-$(date -u +%Y%m%dT%H%MZ)}
duration=${BENCH_DURATION:-10s}
bin=${ROTOR_BIN:-$PWD/build/rotor}
mkdir -p "$out/wrk" "$out/logs"
work=$(mktemp -d /tmp/rotor-bench-pg-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg_test_cluster.sh stop "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$1/_rotor/health" >/dev/null && return 0; sleep 0.1; done
  echo "bench: no answer on port $1" >&2; return 1
}
start_rotor() {  # name port args... ; appends the PID to pids
  local name=$1 port=$2; shift 2
  "$bin" --host 127.0.0.1 --port "$port" --quiet --audit-max-events 0 "$@" >"$out/logs/$name.log" 2>&1 &
  pids+=($!)
  wait_http "$port"
}

base=$(ROTOR_PG_DURABLE=1 scripts/pg_test_cluster.sh start "$work/pg")
for s in pg1 pg2; do psql "$base" -qAtX -c "CREATE SCHEMA $s"; done
url() { echo "$base?options=-csearch_path%3D$1"; }
p_sqlite=$(free_port); p_pg1=$(free_port); p_a=$(free_port); p_b=$(free_port)
mkdir -p "$work/sqlite" "$work/pg1" "$work/a" "$work/b"
start_rotor sqlite "$p_sqlite" --data-dir "$work/sqlite"
start_rotor pg1 "$p_pg1" --data-dir "$work/pg1" --store postgres --database-url "$(url pg1)"
start_rotor pg2-a "$p_a" --data-dir "$work/a" --store postgres --database-url "$(url pg2)"
start_rotor pg2-b "$p_b" --data-dir "$work/b" --store postgres --database-url "$(url pg2)" \
  --root-key-file "$work/a/root.key"
for s in sqlite:$p_sqlite pg1:$p_pg1 pg2:$p_a; do
  python3 bench/prepare.py --port "${s#*:}" --out "$work/bodies-${s%%:*}" 2>/dev/null
done

rate() { grep -E '^Requests/sec' "$1" | awk '{print $2}'; }
p50() { grep -E '^ +50%' "$1" | awk '{print $2}'; }
p99() { grep -E '^ +99%' "$1" | awk '{print $2}'; }
wrk_one() {  # file port op body conns threads
  BENCH_TARGET=$3 BENCH_BODY_FILE=$4 timeout 120 wrk -t"$6" -c"$5" -d"$duration" --timeout 10s --latency \
    -s bench/kms.lua "http://127.0.0.1:$2/" >"$1" 2>&1 || true
}
{
  echo "| operation | SQLite, 1 replica | PostgreSQL, 1 replica | PostgreSQL, 2 replicas (A + B) | PG 1 / SQLite | PG 2 / PG 1 |"
  echo "|---|---|---|---|---|---|"
} >"$out/table.md"
for op in Encrypt DescribeKey CreateKey; do
  wrk_one "$out/wrk/sqlite-$op.txt" "$p_sqlite" "$op" "$work/bodies-sqlite/$op.json" 32 2
  wrk_one "$out/wrk/pg1-$op.txt" "$p_pg1" "$op" "$work/bodies-pg1/$op.json" 32 2
  wrk_one "$out/wrk/pg2a-$op.txt" "$p_a" "$op" "$work/bodies-pg2/$op.json" 16 1 &
  wrk_a=$!
  wrk_one "$out/wrk/pg2b-$op.txt" "$p_b" "$op" "$work/bodies-pg2/$op.json" 16 1
  wait "$wrk_a"
  s=$(rate "$out/wrk/sqlite-$op.txt"); one=$(rate "$out/wrk/pg1-$op.txt")
  two=$(awk -v a="$(rate "$out/wrk/pg2a-$op.txt")" -v b="$(rate "$out/wrk/pg2b-$op.txt")" 'BEGIN{printf "%.2f", a+b}')
  printf '| %s | %s req/s (p50 %s, p99 %s) | %s req/s (p50 %s, p99 %s) | %s req/s (A p50 %s, B p50 %s) | %s | %s |\n' \
    "$op" "$s" "$(p50 "$out/wrk/sqlite-$op.txt")" "$(p99 "$out/wrk/sqlite-$op.txt")" \
    "$one" "$(p50 "$out/wrk/pg1-$op.txt")" "$(p99 "$out/wrk/pg1-$op.txt")" \
    "$two" "$(p50 "$out/wrk/pg2a-$op.txt")" "$(p50 "$out/wrk/pg2b-$op.txt")" \
    "$(awk -v a="$one" -v b="$s" 'BEGIN{printf "%.2f", a/b}')" "$(awk -v a="$two" -v b="$one" 'BEGIN{printf "%.2f", a/b}')" \
    >>"$out/table.md"
done
{
  echo "# PostgreSQL store and replicas ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD))"
  echo
  echo "- machine: $(nproc) cores, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- PostgreSQL $(psql "$base" -qAtX -c 'SHOW server_version'), fsync $(psql "$base" -qAtX -c 'SHOW fsync'), synchronous_commit $(psql "$base" -qAtX -c 'SHOW synchronous_commit'), same machine"
  echo "- wrk -c32 -d$duration (pg2: -c16 on each replica at once, rates summed), bench/kms.lua, bodies of bench/prepare.py; audit trail off (--audit-max-events 0) on every server"
  echo
  cat "$out/table.md"
} >"$out/replicas.md"
cat "$out/replicas.md"
