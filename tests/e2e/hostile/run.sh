#!/usr/bin/env bash
# Hostile-client end-to-end tests against the real rotor binary.
# Usage: tests/e2e/hostile/run.sh [unittest args...]   (ROTOR_BIN overrides the binary)
#   HOSTILE_WAIT_READ_TIMEOUT=0 skips waiting the 30 s read timeout out in the slowloris test.
# The whole run is capped at 5 minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export ROTOR_BIN="${ROTOR_BIN:-$repo/build/rotor}"
if [[ ! -x "$ROTOR_BIN" ]]; then
  echo "rotor binary not found at $ROTOR_BIN (build it first or set ROTOR_BIN)" >&2
  exit 2
fi
cd "$repo"
exec timeout --signal=TERM --kill-after=30s 5m \
  "${PYTHON:-python3}" -m unittest discover -s "$here" -t "$here" -p 'test_*.py' -v "$@"
