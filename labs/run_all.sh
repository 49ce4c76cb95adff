#!/usr/bin/env bash
# Runs the five labs the way CI does: each lab.sh against its own fresh Rotor (free loopback
# port, --in-memory; --clock virtual for the labs that move time; strict mode with its credentials
# file for lab 4). Exits non-zero if any lab fails.
#   labs/run_all.sh [1-alias-swap 2-rotation 3-disable-delete 4-least-privilege 5-retries]
# Env: ROTOR_BIN (default <repo>/build/rotor), LAB_TIMEOUT seconds per lab (120).
set -uo pipefail
labs_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$labs_dir/.." && pwd)"
ROTOR_BIN=${ROTOR_BIN:-$repo/build/rotor}
[[ -x "$ROTOR_BIN" ]] || { echo "run_all.sh: no rotor binary at $ROTOR_BIN (build it or set ROTOR_BIN)" >&2; exit 2; }
labs=("$@")
((${#labs[@]})) || labs=(1-alias-swap 2-rotation 3-disable-delete 4-least-privilege 5-retries)

declare -A clock=([1-alias-swap]=system [2-rotation]=virtual [3-disable-delete]=virtual
                  [4-least-privilege]=system [5-retries]=system)
# Further server flags a lab needs.
declare -A flags=([4-least-privilege]="--auth strict --credentials-file $labs_dir/4-least-privilege/credentials.yaml")
rotor_pid=""
log=$(mktemp -d "${TMPDIR:-/tmp}/rotor-labs.XXXXXX")
stop_rotor() {
  if [[ -n "$rotor_pid" ]]; then
    kill "$rotor_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$rotor_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$rotor_pid" 2>/dev/null
    wait "$rotor_pid" 2>/dev/null
    rotor_pid=""
  fi
}
trap 'stop_rotor; rm -rf "$log"' EXIT

passed=0; failed=()
for lab in "${labs[@]}"; do
  [[ -x "$labs_dir/$lab/lab.sh" ]] || { echo "run_all.sh: no lab $lab" >&2; failed+=("$lab"); continue; }
  # Hermetic: the caller's ROTOR_* settings must not change the server under test.
  env $(env | sed -n 's/^\(ROTOR_[A-Z_]*\)=.*/-u \1/p') "$ROTOR_BIN" --host 127.0.0.1 --port 0 --in-memory \
    --clock "${clock[$lab]:-virtual}" ${flags[$lab]:-} > "$log/rotor-$lab.out" 2>&1 &
  rotor_pid=$!
  url=""
  for _ in $(seq 100); do
    url=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$log/rotor-$lab.out" | head -1 | sed 's/listening on //')
    [[ -n "$url" ]] && break
    kill -0 "$rotor_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "=== lab $lab (rotor at ${url:-?}, clock ${clock[$lab]:-virtual})"
  start=$(date +%s%N)
  if [[ -n "$url" ]] && ROTOR="$url" ROTOR_BIN="$ROTOR_BIN" timeout -k 5 "${LAB_TIMEOUT:-120}" "$labs_dir/$lab/lab.sh"; then
    result=passed; passed=$((passed + 1))
  else
    result=FAILED; failed+=("$lab")
    [[ -n "$url" ]] || cat "$log/rotor-$lab.out"
  fi
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf '=== lab %s: %s in %d.%ds\n' "$lab" "$result" $((ms / 1000)) $((ms % 1000 / 100))
  stop_rotor
done

echo "labs: ${passed} passed, ${#failed[@]} failed"
((${#failed[@]} == 0)) || { echo "failed labs: ${failed[*]}"; exit 1; }
