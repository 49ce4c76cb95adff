#!/usr/bin/env bash
# Runs the Python end-to-end suite against the real rotor binary.
# Usage (from anywhere, e.g. the repo root): tests/e2e/python/run.sh [unittest args...]
#   ROTOR_BIN=/path/to/rotor overrides the binary (default: <repo>/build/rotor).
#   Extra args are passed to unittest, e.g. `tests/e2e/python/run.sh -k rotation`.
# Exits non-zero on any failure; the whole run is capped at 15 minutes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export ROTOR_BIN="${ROTOR_BIN:-$repo/build/rotor}"
if [[ ! -x "$ROTOR_BIN" ]]; then
  echo "rotor binary not found at $ROTOR_BIN (build it first or set ROTOR_BIN)" >&2
  exit 2
fi
python="${PYTHON:-python3}"
cd "$repo"
exec timeout --signal=TERM --kill-after=30s 15m \
  "$python" -m unittest discover -s "$here" -t "$here" -p 'test_*.py' -v "$@"
