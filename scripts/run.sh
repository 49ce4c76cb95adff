#!/usr/bin/env bash
# Sets up (apt packages if missing), builds a Release rotor and runs it in the
# foreground on 127.0.0.1:4599. Any rotor option can follow, e.g.
#   scripts/run.sh --clock virtual --in-memory
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --build
ROTOR_BUILD_TARGETS=rotor scripts/build.sh build-release Release -DBUILD_TESTING=OFF
exec build-release/rotor "$@"
