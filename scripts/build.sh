#!/usr/bin/env bash
# Configures and builds Rotor. scripts/build.sh [build-dir] [build-type] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
type=${2:-Release}
shift $(( $# > 2 ? 2 : $# )) || true
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DROTOR_WERROR=ON "$@" >/dev/null
ninja -C "$dir" ${ROTOR_BUILD_TARGETS:-}
