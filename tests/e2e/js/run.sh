#!/usr/bin/env bash
# Run the JavaScript end-to-end tests of Rotor (node:test, @aws-sdk/client-kms, @aws-crypto/client-node).
# Usable from anywhere, e.g. from the repo root:  bash tests/e2e/js/run.sh
# Env: ROTOR_BIN (default <repo>/build/rotor). Extra arguments are passed to `node --test`.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../../.." && pwd)"
export ROTOR_BIN="${ROTOR_BIN:-$REPO_ROOT/build/rotor}"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# Never let a developer's AWS setup leak in; the tests pass endpoint, region and credentials explicitly.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_KMS || true

if ! command -v node >/dev/null 2>&1; then
  echo "run.sh: node is not installed" >&2
  exit 2
fi

if [ ! -d "$HERE/node_modules" ]; then
  if [ -f "$HERE/package-lock.json" ]; then
    (cd "$HERE" && timeout 600 npm ci --no-audit --no-fund)
  else
    (cd "$HERE" && timeout 600 npm install --no-audit --no-fund)
  fi
fi

if [ ! -x "$ROTOR_BIN" ]; then
  echo "run.sh: rotor binary not found or not executable: $ROTOR_BIN (build it or set ROTOR_BIN)" >&2
  exit 2
fi

cd "$REPO_ROOT"
# The shell expands the file list, so this works alike on node 20 (directory/file arguments)
# and node >= 21 (glob arguments). `timeout` bounds the whole run; its exit 124 is a failure too.
shopt -s nullglob
files=(tests/e2e/js/*.test.mjs)
if [ ${#files[@]} -eq 0 ]; then
  echo "run.sh: no test files in tests/e2e/js" >&2
  exit 2
fi
timeout -k 10 600 node --test --test-reporter=spec "$@" "${files[@]}"
