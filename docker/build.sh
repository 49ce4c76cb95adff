#!/usr/bin/env bash
# Builds the Rotor image from source inside the image (the Dockerfile's path without prebuilt
# binaries; scripts/package.sh builds it with them) with podman and smoke-tests it. Slow (a full
# C++ build inside the image) and large (hundreds of MB): not part of scripts/test.sh; run it when docker/ changes.
#   docker/build.sh
# Env:
#   ROTOR_IMAGE       tag to build (localhost/rotor:dev)
#   ROTOR_BASE_IMAGE  base image (localhost/debian:bookworm-slim, made by docker/base_image.sh
#                     when missing; set debian:bookworm-slim where a registry is reachable)
#   ROTOR_DOCKER_CONTEXT  "head" (default): build the committed HEAD (git archive), so
#                     uncommitted edits never reach the image; "worktree": the files as they are
#   ROTOR_SKIP_SMOKE=1  build only
# Podman runs here with chroot isolation and the runc runtime with explicit ulimits: on a
# machine whose cgroup setup rootless podman cannot use, a plain `podman build` fails, and
# without CAP_SYS_RESOURCE the default ulimits cannot be applied.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
image=${ROTOR_IMAGE:-localhost/rotor:dev}
base=${ROTOR_BASE_IMAGE:-localhost/debian:bookworm-slim}
context_mode=${ROTOR_DOCKER_CONTEXT:-head}
run_opts=(--runtime runc)
limits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
work=$(mktemp -d /tmp/rotor-docker-build.XXXXXX)
container=""
volume=""
cleanup() {
  if [[ -n "$container" ]]; then podman "${run_opts[@]}" rm -f "$container" >/dev/null 2>&1 || true; fi
  if [[ -n "$volume" ]]; then podman volume rm -f "$volume" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { echo "== $*"; }
fail() { echo "docker/build.sh: FAILED: $*" >&2; exit 1; }

missing=()
for tool in podman buildah runc mmdebstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  step "installing ${missing[*]}"
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "$base" == localhost/* ]]; then
  "$repo/docker/base_image.sh" "$base"
elif ! podman image exists "$base"; then
  podman pull "$base"
fi

step "build context: $context_mode"
mkdir -p "$work/ctx"
if [[ "$context_mode" == head ]]; then
  git -C "$repo" archive --format=tar HEAD | tar -x -C "$work/ctx"
else
  tar -C "$repo" --exclude=.git --exclude='./build*' --exclude=node_modules --exclude=__pycache__ \
      --exclude=.rotor-data --exclude=./dist -cf - . | tar -x -C "$work/ctx"
fi

step "podman build $image (from $base)"
start=$(date +%s)
timeout 3600 podman build --isolation=chroot --format docker --ignorefile "$repo/docker/Dockerfile.dockerignore" \
  --build-arg BASE_IMAGE="$base" -f "$repo/docker/Dockerfile" -t "$image" "$work/ctx"
echo "built in $(( $(date +%s) - start ))s"
podman image inspect "$image" --format 'image size: {{.Size}} bytes; user {{.Config.User}}; healthcheck {{.Config.Healthcheck.Test}}'

[[ "${ROTOR_SKIP_SMOKE:-}" == 1 ]] && { echo "docker/build.sh: built $image (smoke test skipped)"; exit 0; }

step "smoke test"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
token="smoke-$$"
volume="rotor-smoke-data-$$"
container="rotor-smoke-$$"
url="http://127.0.0.1:$port"
podman volume create "$volume" >/dev/null
start_container() {
  podman "${run_opts[@]}" run -d --name "$container" "${limits[@]}" -p "127.0.0.1:$port:4599" \
    -e ROTOR_ADMIN_TOKEN="$token" -v "$volume:/data" "$image" --clock virtual >/dev/null
  for _ in $(seq 60); do
    curl -sf "$url/_rotor/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  podman logs "$container" >&2 || true
  fail "no answer on $url/_rotor/health"
}
kms() {  # kms Action JSON: one unsigned KMS call, prints the body, fails on a non-200
  local out code
  out=$(curl -s -w '\n%{http_code}' -X POST "$url/" -H "X-Amz-Target: TrentService.$1" \
        -H 'Content-Type: application/x-amz-json-1.1' -d "$2")
  code=${out##*$'\n'}
  [[ "$code" == 200 ]] || fail "$1 answered HTTP $code: ${out%$'\n'*}"
  echo "${out%$'\n'*}"
}

start_container
logs=$(podman logs "$container" 2>&1); echo "${logs%%$'\n'*}"  # not | head -1: SIGPIPE under pipefail
health=$(curl -s "$url/_rotor/health")
echo "health: $health"
[[ "$health" == *'"status":"ok"'* ]] || fail "health: $health"
[[ $(podman exec "$container" id -u) != 0 ]] || fail "the server runs as root"
echo "runs as: $(podman exec "$container" id)"
podman healthcheck run "$container" >/dev/null && echo "HEALTHCHECK: healthy" || fail "HEALTHCHECK failed"

key=$(kms CreateKey '{"Description":"smoke"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["KeyMetadata"]["KeyId"])')
echo "CreateKey: $key"
kms EnableKeyRotation "{\"KeyId\":\"$key\",\"RotationPeriodInDays\":90}" >/dev/null
blob=$(kms Encrypt "{\"KeyId\":\"$key\",\"Plaintext\":\"aGVsbG8=\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["CiphertextBlob"])')

code=$(curl -s -o /dev/null -w '%{http_code}' "$url/_rotor/clock")
[[ "$code" == 403 ]] || fail "admin endpoint without the token answered $code, expected 403"
echo "GET /_rotor/clock without token: 403"
fired=$(curl -sf -X POST "$url/_rotor/clock" -H "X-Rotor-Admin-Token: $token" -d '{"advance":"100d"}') ||
  fail "POST /_rotor/clock with the token"
[[ "$fired" == *'AUTOMATIC'* ]] || fail "advance 100d fired no rotation: $fired"
echo "POST /_rotor/clock with token: a rotation fired"

step "restart: state persists in the /data volume"
podman "${run_opts[@]}" stop -t 10 "$container" >/dev/null
podman "${run_opts[@]}" rm "$container" >/dev/null
start_container
kms DescribeKey "{\"KeyId\":\"$key\"}" | grep -q '"KeyState":"Enabled"' || fail "key lost after restart"
plain=$(kms Decrypt "{\"CiphertextBlob\":\"$blob\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Plaintext"])')
[[ "$plain" == aGVsbG8= ]] || fail "decrypt after restart gave $plain"
echo "after restart: key present, old ciphertext decrypts"
echo "docker/build.sh: $image built and smoke-tested"
