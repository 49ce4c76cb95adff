#!/usr/bin/env bash
# Fails when any tracked C++ file differs from .clang-format (clang-format 14,
# Debian 12's). Fix with: git ls-files '*.cc' '*.h' | xargs clang-format -i
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(git ls-files '*.cc' '*.h' | xargs clang-format --dry-run 2>&1 | grep -oE '^[^:]+:[0-9]+:[0-9]+: warning' |
      cut -d: -f1 | sort -u || true)
if [[ -n $bad ]]; then
  echo "check_format: these files are not clang-formatted:"
  echo "$bad" | sed 's/^/  /'
  echo "fix: git ls-files '*.cc' '*.h' | xargs clang-format -i"
  exit 1
fi
echo "check_format: $(git ls-files '*.cc' '*.h' | wc -l) files formatted"
