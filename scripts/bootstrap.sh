#!/usr/bin/env bash
# Installs what building and testing Rotor needs on a Debian machine, and
# nothing that is already there. Safe to run again and again.
#   scripts/bootstrap.sh          build + test dependencies
#   scripts/bootstrap.sh --build  only what building the server needs
set -euo pipefail
cd "$(dirname "$0")/.."

build_packages=(cmake g++ ninja-build libboost-dev libssl-dev nlohmann-json3-dev libsqlite3-dev catch2
                libyaml-cpp-dev libsimdjson-dev libpq-dev)
# postgresql: the server the PostgreSQL store's tests start in a temp dir (scripts/test.sh).
test_packages=(awscli nodejs curl clang-format postgresql)
packages=("${build_packages[@]}")
[[ "${1:-}" == "--build" ]] || packages+=("${test_packages[@]}")

# OpenSSL: libssl-dev is installed if missing, at whatever version the machine's
# apt offers, and an installed libssl3 is left as it is (no upgrade behind the
# user's back). Rotor works on every OpenSSL 3.0.x that Debian 12 has shipped,
# and scripts/test.sh proves it against 3.0.19 and 3.0.22 (README, OpenSSL).
missing=()
for p in "${packages[@]}"; do
  # nodejs may come from NodeSource rather than Debian: a working node+npm is enough.
  if [[ "$p" == nodejs ]] && command -v node >/dev/null && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ "${1:-}" != "--build" ]] && ! command -v npm >/dev/null; then missing+=(npm); fi

# The Python suites use boto3 (and the v1 CLI) from the machine's Python, and the
# cryptography and yaml modules; Debian's packages stand in for any it lacks.
if [[ "${1:-}" != "--build" ]]; then
  for pair in boto3:python3-boto3 cryptography:python3-cryptography yaml:python3-yaml; do
    python3 -c "import ${pair%%:*}" 2>/dev/null || missing+=("${pair#*:}")
  done
fi

if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" != "--build" ]]; then
  # npm packages of the JS end-to-end tests (pinned in their package-lock.json).
  if [[ -f tests/e2e/js/package.json && ! -d tests/e2e/js/node_modules ]]; then
    echo "bootstrap: installing npm packages for tests/e2e/js"
    (cd tests/e2e/js && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "bootstrap: all dependencies present"
