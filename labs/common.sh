# Sourced by every labs/*/lab.sh: the setup each lab README asks for, and small checks.
# A lab.sh runs the README's commands in order and stops at the first result that differs.
set -euo pipefail
labs_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The same environment as the READMEs' "Setup" block. Never talks to real AWS.
export ROTOR=${ROTOR:-http://127.0.0.1:4599}
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
export AWS_CONFIG_FILE="$labs_dir/aws.config"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_KMS || true
kms="aws --endpoint-url $ROTOR kms"                # any aws CLI (Debian's v2 2.9 is enough)
kms1="python3 -m awscli --endpoint-url $ROTOR kms" # the v1 CLI: has the 2024-25 rotation commands
# `rotor clock` moves the virtual clock of the Rotor at $ROTOR (ROTOR_ENDPOINT). The binary:
# ROTOR_BIN (labs/run_all.sh sets it), else build/ or build-release/ (scripts/run.sh builds that).
repo_dir="$(cd "$labs_dir/.." && pwd)"
if [[ -z "${ROTOR_BIN:-}" ]]; then
  ROTOR_BIN=$repo_dir/build/rotor
  [[ -x "$ROTOR_BIN" ]] || ROTOR_BIN=$repo_dir/build-release/rotor
fi
export ROTOR_ENDPOINT=$ROTOR
rotor() { "$ROTOR_BIN" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/rotor-lab.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'echo "LAB FAILED at line $LINENO: $BASH_COMMAND" >&2; echo "(run the lab against a fresh Rotor: scripts/run.sh --clock virtual --in-memory)" >&2' ERR
cd "$work"

step() { printf '\n--- %s\n' "$*"; }
ok() { echo "ok: $*"; }
fail() { echo "LAB FAILED: $*" >&2; exit 1; }
expect_eq() {  # expect_eq ACTUAL EXPECTED WHAT
  [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"
  ok "$3: $1"
}
expect_ne() {  # expect_ne ACTUAL NOT_EXPECTED WHAT
  [[ "$1" != "$2" ]] || fail "$3: still '$1'"
  ok "$3"
}
expect_contains() {  # expect_contains TEXT NEEDLE WHAT
  [[ "$1" == *"$2"* ]] || fail "$3: '$2' not found in: $1"
  ok "$3"
}
expect_error() {  # expect_error ErrorType "message text" command...  (the command must fail so)
  local type=$1 message=$2 out
  shift 2
  if out=$("$@" 2>&1); then fail "expected $type, but it succeeded: $*"; fi
  out=$(printf '%s\n' "$out" | sed '/^$/d')
  echo "$out"
  [[ "$out" == *"($type)"* ]] || fail "expected $type from: $*"
  [[ -z "$message" || "$out" == *"$message"* ]] || fail "expected the message '$message' from: $*"
  ok "$type"
}
need_rotor() {  # need_rotor [virtual]
  curl -sf --max-time 5 -o /dev/null "$ROTOR/_rotor/health" ||
    fail "no Rotor at $ROTOR: start one with scripts/run.sh --clock virtual --in-memory (or set ROTOR)"
  if [[ "${1:-}" == virtual ]]; then
    [[ -x "$ROTOR_BIN" ]] || fail "no rotor binary at $ROTOR_BIN: build it (scripts/run.sh does) or set ROTOR_BIN"
    local clock
    clock=$(rotor clock) || fail "rotor clock failed against $ROTOR"
    [[ "$clock" == *"(virtual clock)"* ]] || fail "this lab moves time: start Rotor with --clock virtual (got $clock)"
  fi
}
need_v1_cli() {
  python3 -m awscli --version >/dev/null 2>&1 ||
    fail "the AWS CLI v1 is missing (python3 -m awscli): install it with pip install awscli"
}
