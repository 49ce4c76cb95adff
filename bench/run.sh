#!/usr/bin/env bash
# Rotor benchmarks, side by side with moto and an nginx HTTP ceiling, in one run.
#
#   bench/run.sh [all|throughput|startup|scale|access] [output dir]
#   bench/run.sh compare A_BINARY B_BINARY [output dir]
#
#   throughput  wrk (2 threads, 32 connections, 10 s; then 1 connection, 10 s) on
#               Encrypt 4 KiB, Decrypt, GenerateDataKey, DescribeKey (rotor --in-memory),
#               CreateKey and RotateKeyOnDemand (rotor --data-dir: durable writes;
#               --in-memory too, for reference), the same on moto_server, and nginx
#               answering POST / with a fixed 200-byte JSON body: one worker (the
#               ceiling the ratios use, as issue 16 sets it) and two. -> throughput.md
#   startup     hyperfine: start-up to the first answered request, empty data dir and
#               100,000 keys; idle RSS. -> startup.md
#   scale       bench/scale.py: 1,000 vs 1,000,000 keys (BENCH_SCALE_KEYS), a key with
#               10,000 versions, ten years of rotation over 100,000 keys. -> scale.md
#   compare     an A/B of two rotor binaries in one run: both --in-memory with their
#               defaults (audit trail on) plus BENCH_A_ARGS / BENCH_B_ARGS (e.g.
#               BENCH_B_ARGS="--audit-max-events 0" with the same binary twice: audit on
#               against off), the same prepared bodies; per round, per
#               connection count (32, then 1) and per operation (BENCH_COMPARE_OPS,
#               default "Encrypt Decrypt DescribeKey") wrk drives A then B, the next round
#               B then A, BENCH_COMPARE_ROUNDS rounds (default 3). -> compare.md: per
#               operation the median req/s, p50, p99 and CPU time per request (rotor's
#               user+system time over the run / requests answered: the figure least moved
#               by other load on the box) of each, and B/A with the spread of the per-round
#               ratios (how noisy the box was). Needs only wrk. A or B may also be a git
#               revision written rev:REV (rev:main): that commit is checked out in a temporary
#               worktree and its rotor built (BENCH_REV_BUILD_TYPE, default Release; with
#               . /work/notes/ccache.env a rebuild is cheap) in build-compare-<sha>, so a
#               branch is A/B'd against main with `bench/run.sh compare rev:main build/rotor`.
#   access      issue 14: strict mode against open mode, one binary ($BENCH_BUILD_DIR/rotor),
#               one run: both --in-memory with the same credentials file, each with a key of a
#               5-statement key policy and 10 grants for other grantees (bench/prepare_access.py);
#               Encrypt 4 KiB at 32 connections (wrk -t2), signed by botocore as the application
#               the key policy allows, re-signed before every wrk run (a signature is valid for
#               5 minutes) and sent unchanged by every connection (bench/kms.lua,
#               BENCH_HEADERS_FILE); per round open then strict, the next strict then open,
#               BENCH_COMPARE_ROUNDS rounds (default 5). -> access.md (A = open, B = strict);
#               with BENCH_ACCESS_PERF=1 also perf on the strict server -> access-perf.txt.
#
# Environment: BENCH_BUILD_DIR (build-release), BENCH_DURATION (10s), BENCH_SCALE_KEYS
# (1000000), BENCH_SCALE_PARTS (keys,versions,tenyears), BENCH_SKIP_BUILD=1,
# BENCH_COMPARE_OPS, BENCH_COMPARE_ROUNDS, BENCH_A_ARGS, BENCH_B_ARGS.
# Everything listens on 127.0.0.1 only, every load is
# bounded in time, and only processes this script started are stopped (by PID).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
what=${1:-all}
# rev:REV -> the rotor binary of that commit, built once in build-compare-<sha> (Release).
binary_of() {
  if [[ $1 != rev:* ]]; then realpath "$1"; return; fi
  local sha dir tree
  sha=$(git rev-parse --short=12 "${1#rev:}^{commit}")
  dir=$repo/build-compare-$sha
  if [[ ! -x $dir/rotor ]]; then
    tree=$(mktemp -d /tmp/rotor-compare-src-XXXXXX)
    git worktree add -q --detach "$tree" "$sha" >&2
    (cd "$tree" && ROTOR_BUILD_TARGETS=rotor nice -n 5 scripts/build.sh "$dir" "${BENCH_REV_BUILD_TYPE:-Release}" \
      -DBUILD_TESTING=OFF >&2)
    git worktree remove --force "$tree" >&2
  fi
  echo "$dir/rotor"
}
if [[ $what == compare ]]; then
  bin_a=$(binary_of "${2:?usage: bench/run.sh compare A_BINARY|rev:REV B_BINARY|rev:REV [output dir]}")
  bin_b=$(binary_of "${3:?usage: bench/run.sh compare A_BINARY|rev:REV B_BINARY|rev:REV [output dir]}")
  set -- "$1" "${4:-}"
  [[ -n $2 ]] || set -- "$1" "$repo/bench/out/compare-$(date +%Y%m%d-%H%M%S)"
fi
out=${2:-$repo/bench/out/$(date +%Y%m%d-%H%M%S)}
build=${BENCH_BUILD_DIR:-build-release}
duration=${BENCH_DURATION:-10s}
mkdir -p "$out/wrk"
work=$(mktemp -d /tmp/rotor-bench-XXXXXX)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "bench: $1 is missing ($2)" >&2; exit 2; }; }
need wrk "apt-get install wrk"
if [[ $what != compare && $what != access ]]; then
  need hyperfine "apt-get install hyperfine"
  need nginx "apt-get install nginx-light"
  need moto_server "pip install 'moto[server]'"
fi

if [[ ${BENCH_SKIP_BUILD:-0} != 1 && $what != compare ]]; then
  ROTOR_BUILD_TARGETS=rotor scripts/build.sh "$build" Release -DBUILD_TESTING=OFF
fi
rotor=$repo/$build/rotor
cc -O2 -o "$work/first_answer" bench/first_answer.c

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # port path
  for _ in $(seq 300); do
    curl -s -o /dev/null -m 1 "http://127.0.0.1:$1$2" && return 0
    sleep 0.1
  done
  echo "bench: nothing answers on port $1" >&2; return 1
}
rss_mb() { awk '/VmRSS/{printf "%.1f", $2/1024}' "/proc/$1/status"; }
hwm_mb() { awk '/VmHWM/{printf "%.1f", $2/1024}' "/proc/$1/status"; }
start_bg() {  # log-file cmd...: starts cmd in the background, records its PID in $last_pid
  local log=$1; shift
  "$@" >"$log" 2>&1 &
  last_pid=$!
  pids+=("$last_pid")
}
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

machine() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- core storage server 2>/dev/null || echo ' (+ uncommitted changes in core/storage/server)')"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, kernel $(uname -r)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ $what == compare || $what == access ]]; then
    echo "- tools: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  else
    echo "- tools: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(hyperfine --version), $(nginx -v 2>&1 | cut -d' ' -f3), moto $(python3 -c 'import moto; print(moto.__version__)')"
  fi
}

# ---------------------------------------------------------------- throughput
wrk_run() {  # name server-port op body-file conns [keys-file]
  local name=$1 port=$2 op=$3 body=$4 conns=$5 keys=${6:-}
  local threads=2
  ((conns == 1)) && threads=1
  BENCH_TARGET=$op BENCH_BODY_FILE=$body BENCH_KEYS_FILE=$keys BENCH_HEADERS_FILE=${BENCH_HEADERS_FILE:-} \
    timeout 120 wrk -t"$threads" -c"$conns" -d"$duration" --timeout 10s --latency -s bench/kms.lua \
    "http://127.0.0.1:$port/" >"$out/wrk/$name-$op-c$conns.txt" 2>&1 || true
  echo "  $name $op c$conns: $(grep -E 'Requests/sec' "$out/wrk/$name-$op-c$conns.txt" | xargs)"
}

# start_nginx WORKERS PORT DIR REPLY: nginx-light with our own config in DIR,
# listening on 127.0.0.1:PORT only, answering every POST / with REPLY (last_pid).
start_nginx() {
  local workers=$1 port=$2 dir=$3 reply=$4
  mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<EOF
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/x-amz-json-1.1;
      return 200 '$reply';
    }
  }
}
EOF
  start_bg "$out/$(basename "$dir").log" nginx -p "$dir" -c "$dir/nginx.conf"
}

# memory_state PID PORT LABEL: one line "- LABEL: RSS x MB, n keys" for throughput.md.
memory_state() {
  local keys
  keys=$(python3 -c 'import sys,urllib.request; t=urllib.request.urlopen("http://127.0.0.1:"+sys.argv[1]+"/_rotor/metrics").read().decode(); print(sum(int(float(l.split()[-1])) for l in t.splitlines() if l.startswith("rotor_keys{")))' "$2")
  echo "  - $3: RSS $(rss_mb "$1") MB, $keys keys" >>"$work/memory_state.txt"
}

throughput() {
  echo "== throughput ($duration per run)"
  local mem_port dur_port moto_port
  mem_port=$(free_port); dur_port=$(free_port); moto_port=$(free_port)
  start_bg "$out/rotor-memory.log" "$rotor" --port "$mem_port" --in-memory --on-demand-rotation-limit 100000
  local mem_pid=$last_pid
  mkdir -p "$work/durable"
  start_bg "$out/rotor-durable.log" "$rotor" --port "$dur_port" --data-dir "$work/durable" \
    --on-demand-rotation-limit 100000
  local dur_pid=$last_pid
  start_bg "$out/moto.log" moto_server -H 127.0.0.1 -p "$moto_port"
  local moto_pid=$last_pid
  # nginx: our own config in a temp dir, loopback only, a fixed 200-byte JSON reply;
  # one worker (issue 16's reference for the ratios) and, for comparison, two.
  local reply
  reply=$(python3 -c 'import json; b={"KeyId":"arn:aws:kms:us-east-1:111122223333:key/"+"0"*36,"KeyState":"Enabled","Pad":""}; s=json.dumps(b,separators=(",",":")); b["Pad"]="x"*(200-len(s)); print(json.dumps(b,separators=(",",":")))')
  ((${#reply} == 200)) || { echo "bench: nginx reply is ${#reply} bytes" >&2; exit 1; }
  local nginx_port nginx2_port nginx_pid nginx2_pid
  nginx_port=$(free_port); nginx2_port=$(free_port)
  start_nginx 1 "$nginx_port" "$work/nginx" "$reply"
  nginx_pid=$last_pid
  start_nginx 2 "$nginx2_port" "$work/nginx2" "$reply"
  nginx2_pid=$last_pid
  wait_http "$mem_port" /_rotor/health
  wait_http "$dur_port" /_rotor/health
  wait_http "$moto_port" /
  wait_http "$nginx_port" /
  wait_http "$nginx2_port" /
  python3 bench/prepare.py --port "$mem_port" --out "$work/mem" --rotation-keys 1000
  python3 bench/prepare.py --port "$dur_port" --out "$work/dur" --rotation-keys 1000
  python3 bench/prepare.py --port "$moto_port" --out "$work/moto" --rotation-keys 1000
  echo "{}" >"$work/empty.json"

  for conns in 32 1; do
    wrk_run nginx "$nginx_port" "" "$work/empty.json" "$conns"
    mv "$out/wrk/nginx--c$conns.txt" "$out/wrk/nginx-ceiling-c$conns.txt"
    wrk_run nginx2w "$nginx2_port" "" "$work/empty.json" "$conns"
    mv "$out/wrk/nginx2w--c$conns.txt" "$out/wrk/nginx2w-ceiling-c$conns.txt"
    for op in Encrypt Decrypt GenerateDataKey DescribeKey; do
      wrk_run rotor "$mem_port" "$op" "$work/mem/$op.json" "$conns"
      wrk_run moto "$moto_port" "$op" "$work/moto/$op.json" "$conns"
    done
    memory_state "$mem_pid" "$mem_port" "after the crypto operations and DescribeKey at $conns connections"
    wrk_run rotor_durable "$dur_port" CreateKey "$work/dur/CreateKey.json" "$conns"
    wrk_run rotor_memory "$mem_port" CreateKey "$work/mem/CreateKey.json" "$conns"
    wrk_run moto "$moto_port" CreateKey "$work/moto/CreateKey.json" "$conns"
    wrk_run rotor_durable "$dur_port" RotateKeyOnDemand "$work/dur/RotateKeyOnDemand.json" "$conns" \
      "$work/dur/rotation_keys.txt"
    wrk_run rotor_memory "$mem_port" RotateKeyOnDemand "$work/mem/RotateKeyOnDemand.json" "$conns" \
      "$work/mem/rotation_keys.txt"
    wrk_run moto "$moto_port" RotateKeyOnDemand "$work/moto/RotateKeyOnDemand.json" "$conns" \
      "$work/moto/rotation_keys.txt"
    memory_state "$mem_pid" "$mem_port" "after CreateKey and RotateKeyOnDemand at $conns connections"
  done
  local rss_rotor rss_moto
  rss_rotor=$(rss_mb "$mem_pid"); rss_moto=$(rss_mb "$moto_pid")
  {
    echo "# Throughput and latency, one run"
    echo
    machine
    echo "- wrk: \`wrk -t2 -c32 -d$duration --latency\` and \`wrk -t1 -c1 -d$duration --latency\`, script bench/kms.lua;"
    echo "  rotor \`--in-memory --on-demand-rotation-limit 100000\` (crypto ops) and \`--data-dir <dir>\`"
    echo "  (durable writes, same limit); RotateKeyOnDemand cycles over 1,000 keys on every server;"
    echo "  moto_server $(python3 -c 'import moto; print(moto.__version__)') (in memory); nginx-light fixed 200-byte reply,"
    echo "  one worker (the ceiling of the ratios) and two workers."
    echo "- RSS after the run: rotor --in-memory ${rss_rotor} MB, moto ${rss_moto} MB"
    echo "- rotor --in-memory along the run (the keys it holds, from /_rotor/metrics' rotor_keys):"
    cat "$work/memory_state.txt"
    echo
    python3 bench/report.py "$out/wrk"
  } >"$out/throughput.md"
  for p in "$mem_pid" "$dur_pid" "$moto_pid" "$nginx_pid" "$nginx2_pid"; do stop_pid "$p"; done
  cat "$out/throughput.md"
}

# make_keys PORT N IDS_PREFIX BUDGET_S: concurrent CreateKey (bench/make_keys.lua, 64
# connections) until N keys are acknowledged or the budget is spent. wrk runs for its
# whole -d even when its threads stop, so this counts the keys and stops wrk (by PID).
make_keys() {
  local port=$1 n=$2 prefix=$3 budget=$4
  BENCH_KEYS=$n BENCH_THREADS=2 BENCH_KEYS_OUT=$prefix \
    wrk -t2 -c64 -d"${budget}s" -s bench/make_keys.lua "http://127.0.0.1:$port/" &
  local wpid=$! deadline=$((SECONDS + budget + 10))
  while kill -0 "$wpid" 2>/dev/null && ((SECONDS < deadline)); do
    (($(cat "$prefix".[0-9]* 2>/dev/null | wc -l) >= n)) && break
    sleep 0.2
  done
  kill "$wpid" 2>/dev/null || true
  wait "$wpid" 2>/dev/null || true
}

# ---------------------------------------------------------------- startup
startup() {
  echo "== startup"
  local port dir100k
  port=$(free_port)
  dir100k=$work/keys100k
  mkdir -p "$dir100k"
  # 100,000 keys through the API: many concurrent CreateKey (bench/make_keys.lua).
  start_bg "$out/rotor-100k.log" "$rotor" --port "$port" --data-dir "$dir100k"
  local pid=$last_pid
  wait_http "$port" /_rotor/health
  local t0
  t0=$(date +%s.%N)
  make_keys "$port" 100000 "$work/keys100k.ids" 1200 >"$out/make-100k.txt" 2>&1
  local made_s
  made_s=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}')")
  stop_pid "$pid"
  local nkeys
  nkeys=$(cat "$work"/keys100k.ids.* | wc -l)
  local empty=$work/empty-dir
  FIRST_ANSWER_LOG=$work/fa-empty.txt hyperfine -N --warmup 3 --runs 30 \
    --prepare "rm -rf $empty" --export-markdown "$out/hyperfine-empty.md" \
    "$work/first_answer $port $rotor --port $port --data-dir $empty" >"$out/hyperfine-empty.txt" 2>&1
  FIRST_ANSWER_LOG=$work/fa-100k.txt hyperfine -N --warmup 2 --runs 20 --export-markdown "$out/hyperfine-100k.md" \
    "$work/first_answer $port $rotor --port $port --data-dir $dir100k" >"$out/hyperfine-100k.txt" 2>&1
  FIRST_ANSWER_LOG=$work/fa-mem.txt hyperfine -N --warmup 3 --runs 30 --export-markdown "$out/hyperfine-mem.md" \
    "$work/first_answer $port $rotor --port $port --in-memory" >"$out/hyperfine-mem.txt" 2>&1
  stats() { python3 -c 'import statistics,sys; v=sorted(float(x) for x in open(sys.argv[1])); print(f"median {statistics.median(v):.1f} ms, min {v[0]:.1f} ms, max {v[-1]:.1f} ms ({len(v)} runs)")' "$1"; }
  # Idle RSS: started, answered one request, then left alone for 2 s.
  idle_rss() {  # label args...
    local label=$1; shift
    start_bg /dev/null "$@"
    local p=$last_pid
    wait_http "$port" /_rotor/health >/dev/null
    sleep 2
    echo "| $label | $(rss_mb "$p") MB |"
    stop_pid "$p"
  }
  rm -rf "$empty"
  local moto_rss nginx_rss
  start_bg /dev/null moto_server -H 127.0.0.1 -p "$port"
  local mp=$last_pid
  wait_http "$port" / >/dev/null; sleep 2; moto_rss=$(rss_mb "$mp"); stop_pid "$mp"
  {
    echo "# Start-up and idle memory"
    echo
    machine
    echo "- 100,000-key data dir: $nkeys keys made by \`wrk -t2 -c64 -s bench/make_keys.lua\` (concurrent CreateKey, durable) in ${made_s} s"
    echo "  ($(du -sh "$dir100k" | cut -f1) on disk)"
    echo
    echo "## Start-up to the first answered request (bench/first_answer.c: fork+exec, poll GET /_rotor/health)"
    echo
    echo "fork to first answer, measured by the probe itself:"
    echo "- empty data dir: $(stats "$work/fa-empty.txt")"
    echo "- 100,000 keys: $(stats "$work/fa-100k.txt")"
    echo "- --in-memory: $(stats "$work/fa-mem.txt")"
    echo
    echo "hyperfine (whole run: start, first answer, SIGTERM, clean exit):"
    echo
    echo '```'
    echo "hyperfine -N --warmup 3 --runs 30 --prepare 'rm -rf EMPTY' 'first_answer PORT rotor --port PORT --data-dir EMPTY'"
    echo "hyperfine -N --warmup 2 --runs 20 'first_answer PORT rotor --port PORT --data-dir DIR_WITH_100K_KEYS'"
    echo '```'
    echo
    cat "$out/hyperfine-empty.md"; echo; cat "$out/hyperfine-100k.md"; echo; cat "$out/hyperfine-mem.md"
    echo
    echo "## Idle RSS (VmRSS 2 s after the first answer)"
    echo
    echo "| server | idle RSS |"
    echo "|---|---|"
    idle_rss "rotor, empty data dir" "$rotor" --port "$port" --data-dir "$empty"
    idle_rss "rotor, 100,000 keys" "$rotor" --port "$port" --data-dir "$dir100k"
    idle_rss "rotor --in-memory" "$rotor" --port "$port" --in-memory
    idle_rss "rotor --threads 1, empty data dir" "$rotor" --port "$port" --data-dir "$empty" --threads 1
    echo "| moto_server | $moto_rss MB |"
  } >"$out/startup.md"
  cat "$out/startup.md"
}

# ---------------------------------------------------------------- compare (A/B)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # user + system time of all threads
compare() {
  local ops=${BENCH_COMPARE_OPS:-Encrypt Decrypt DescribeKey} rounds=${BENCH_COMPARE_ROUNDS:-3}
  echo "== compare: A=$bin_a B=$bin_b ($rounds rounds, $duration per run)"
  local port_a port_b
  port_a=$(free_port); port_b=$(free_port)
  local args_a args_b
  read -ra args_a <<<"${BENCH_A_ARGS:-}"
  read -ra args_b <<<"${BENCH_B_ARGS:-}"
  start_bg "$out/rotor-A.log" "$bin_a" --port "$port_a" --in-memory --on-demand-rotation-limit 100000 "${args_a[@]}"
  local pid_a=$last_pid
  start_bg "$out/rotor-B.log" "$bin_b" --port "$port_b" --in-memory --on-demand-rotation-limit 100000 "${args_b[@]}"
  local pid_b=$last_pid
  wait_http "$port_a" /_rotor/health
  wait_http "$port_b" /_rotor/health
  python3 bench/prepare.py --port "$port_a" --out "$work/A"
  python3 bench/prepare.py --port "$port_b" --out "$work/B"
  local loads="" r conns op first
  for ((r = 1; r <= rounds; r++)); do
    loads+=" $(cut -d' ' -f1 /proc/loadavg)"
    for conns in 32 1; do
      for op in $ops; do
        # Alternate who goes first, so drift in the background load hits both.
        if ((r % 2)); then first="A B"; else first="B A"; fi
        for who in $first; do
          local port=$port_a pid=$pid_a
          [[ $who == B ]] && { port=$port_b; pid=$pid_b; }
          local ticks0
          ticks0=$(cpu_ticks "$pid")
          wrk_run "$who-r$r" "$port" "$op" "$work/$who/$op.json" "$conns"
          echo "$(($(cpu_ticks "$pid") - ticks0)) $(getconf CLK_TCK)" >"$out/wrk/$who-r$r-$op-c$conns.cpu"
        done
      done
    done
  done
  {
    echo "# A/B of two rotor binaries, one run"
    echo
    machine
    echo "- A: \`$bin_a\` ($(sha256sum "$bin_a" | cut -c1-12))"
    echo "- B: \`$bin_b\` ($(sha256sum "$bin_b" | cut -c1-12))"
    echo "- both \`--in-memory --on-demand-rotation-limit 100000\`, audit trail on (the default);"
    echo "  A's extra arguments: \`${BENCH_A_ARGS:-}\`; B's: \`${BENCH_B_ARGS:-}\`"
    echo "  \`wrk -t2 -c32 -d$duration\` and \`wrk -t1 -c1 -d$duration\`, bench/kms.lua, bodies of bench/prepare.py"
    echo "  (Encrypt: 4 KiB plaintext); $rounds rounds, A first in odd rounds and B first in even ones"
    echo "- load average at the start of each round:$loads"
    echo "- RSS after the run: A $(rss_mb "$pid_a") MB, B $(rss_mb "$pid_b") MB"
    echo
    python3 bench/compare_report.py "$out/wrk"
  } >"$out/compare.md"
  stop_pid "$pid_a"; stop_pid "$pid_b"
  cat "$out/compare.md"
}

# ---------------------------------------------------------------- access (strict vs open)
access() {
  local rounds=${BENCH_COMPARE_ROUNDS:-5} r first who
  echo "== access: open (A) vs strict (B), $rotor, $rounds rounds, $duration per run"
  local port_a port_b creds=$work/credentials.json
  python3 bench/prepare_access.py credentials "$creds"
  port_a=$(free_port); port_b=$(free_port)
  start_bg "$out/rotor-open.log" "$rotor" --port "$port_a" --in-memory --auth open --credentials-file "$creds"
  local pid_a=$last_pid
  start_bg "$out/rotor-strict.log" "$rotor" --port "$port_b" --in-memory --auth strict --credentials-file "$creds"
  local pid_b=$last_pid
  wait_http "$port_a" /_rotor/health
  wait_http "$port_b" /_rotor/health
  python3 bench/prepare_access.py setup --port "$port_a" --out "$work/A"
  python3 bench/prepare_access.py setup --port "$port_b" --out "$work/B"
  local loads=""
  for ((r = 1; r <= rounds; r++)); do
    loads+=" $(cut -d' ' -f1 /proc/loadavg)"
    if ((r % 2)); then first="A B"; else first="B A"; fi
    for who in $first; do
      local port=$port_a pid=$pid_a
      [[ $who == B ]] && { port=$port_b; pid=$pid_b; }
      python3 bench/prepare_access.py sign --port "$port" --body "$work/$who/Encrypt.json" \
        --out "$work/$who/headers.txt"
      local ticks0
      ticks0=$(cpu_ticks "$pid")
      BENCH_HEADERS_FILE=$work/$who/headers.txt wrk_run "$who-r$r" "$port" Encrypt "$work/$who/Encrypt.json" 32
      echo "$(($(cpu_ticks "$pid") - ticks0)) $(getconf CLK_TCK)" >"$out/wrk/$who-r$r-Encrypt-c32.cpu"
    done
  done
  if [[ ${BENCH_ACCESS_PERF:-0} == 1 ]] && command -v perf >/dev/null; then
    # Where strict mode's time goes: perf on the strict server during one more run, the
    # self-time symbols of its process into access-perf.txt.
    python3 bench/prepare_access.py sign --port "$port_b" --body "$work/B/Encrypt.json" --out "$work/B/headers.txt"
    timeout 60 perf record -F 999 -g -o "$work/perf.data" -p "$pid_b" -- sleep "${duration%s}" >/dev/null 2>&1 &
    local perf_pid=$!
    BENCH_HEADERS_FILE=$work/B/headers.txt wrk_run "perf" "$port_b" Encrypt "$work/B/Encrypt.json" 32
    wait "$perf_pid" || true
    {
      echo "## self time by shared object"
      perf report -i "$work/perf.data" --no-children -g none --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15
      echo "## self time by symbol (>= 0.5%)"
      perf report -i "$work/perf.data" --no-children -g none --sort dso,sym --percent-limit 0.5 --stdio 2>/dev/null \
        | grep -v '^#' | grep -v '^$' | head -80
      echo "## time including callees (children), rotor's own functions (>= 1%)"
      perf report -i "$work/perf.data" --children -g none --sort sym --percent-limit 1 --stdio 2>/dev/null \
        | grep -v '^#' | grep -v '^$' | grep 'rotor::' | head -80
    } | sed -E 's/ +- +- *$//; s/ +$//' | cut -c1-220 >"$out/access-perf.txt" || true
  fi
  {
    echo "# Strict mode (B) against open mode (A), one binary, one run"
    echo
    machine
    echo "- binary: \`$rotor\` ($(sha256sum "$rotor" | cut -c1-12)), both \`--in-memory\` with one credentials file,"
    echo "  A \`--auth open\`, B \`--auth strict\`; audit trail on (the default)"
    echo "- each: a key with a 5-statement key policy and 10 grants for other grantees (bench/prepare_access.py);"
    echo "  Encrypt 4 KiB as arn:aws:sts::111122223333:assumed-role/app/web (allowed by the key policy),"
    echo "  SigV4 by botocore, re-signed before each run; \`wrk -t2 -c32 -d$duration\`, bench/kms.lua;"
    echo "  $rounds rounds, A first in odd rounds and B first in even ones"
    echo "- load average at the start of each round:$loads"
    echo "- RSS after the run: A $(rss_mb "$pid_a") MB, B $(rss_mb "$pid_b") MB"
    echo
    python3 bench/compare_report.py "$out/wrk"
  } >"$out/access.md"
  stop_pid "$pid_a"; stop_pid "$pid_b"
  cat "$out/access.md"
}

scale() {
  echo "== scale"
  python3 bench/scale.py --rotor "$rotor" --out "$out" --work "$work" --keys "${BENCH_SCALE_KEYS:-1000000}" \
    --duration "$duration" --parts "${BENCH_SCALE_PARTS:-keys,versions,tenyears}"
}

case "$what" in
  all) throughput; startup; scale ;;
  throughput) throughput ;;
  startup) startup ;;
  scale) scale ;;
  compare) compare ;;
  access) access ;;
  *) echo "usage: bench/run.sh [all|throughput|startup|scale|access] [output dir]" \
       "| bench/run.sh compare A_BINARY B_BINARY [output dir]" >&2; exit 2 ;;
esac
echo "bench: results in $out"
