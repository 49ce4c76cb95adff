#!/usr/bin/env bash
# Browser test of the dashboard (/_rotor/ui): headless Debian chromium driven by puppeteer-core;
# strict-mode calls signed by the AWS SDK for JavaScript (@aws-sdk/client-kms).
# Usable from anywhere:  tests/e2e/dashboard/run.sh
# Installs chromium (Debian package, about 480 MB) on first use and the npm packages pinned in
# package-lock.json. Exits non-zero on failure; the whole run is bounded.
# Env: ROTOR_BIN (default <repo>/build/rotor), CHROMIUM (default /usr/bin/chromium),
#      ROTOR_SCREENSHOT_DIR (where the screenshot goes; default a new temp dir),
#      ROTOR_SKIP_BROWSER=1 to skip this test (exits 0 with a message).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
export ROTOR_BIN="${ROTOR_BIN:-$repo/build/rotor}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [[ "${ROTOR_SKIP_BROWSER:-}" == 1 ]]; then
  echo "dashboard browser test: SKIPPED because ROTOR_SKIP_BROWSER=1 (needs chromium, about 480 MB)"
  exit 0
fi
if [[ ! -x "$ROTOR_BIN" ]]; then
  echo "run.sh: rotor binary not found at $ROTOR_BIN (build it or set ROTOR_BIN)" >&2
  exit 2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "run.sh: node and npm are needed (scripts/bootstrap.sh installs them)" >&2
  exit 2
fi
if [[ ! -x "$CHROMIUM" ]]; then
  echo "run.sh: installing chromium from Debian (about 480 MB, once)"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  timeout 300 $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 900 $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
# Reinstall when a package the lock file pins is missing (a checkout made before it was added).
if [[ ! -d "$here/node_modules/puppeteer-core" || ! -d "$here/node_modules/@aws-sdk/client-kms" ]]; then
  (cd "$here" && timeout 600 npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$here"
timeout -k 10 300 node --test --test-reporter=spec dashboard.test.mjs
