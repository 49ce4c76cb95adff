#!/usr/bin/env bash
# Tests what scripts/package.sh made (run that first), as a user who downloads it would use it:
#  1. the tarball, unpacked in a temporary directory: only glibc needed, --version, the man page,
#     and the Python e2e suites test_compat, test_crypto and test_rotation against its binary;
#  2. the .deb, unpacked into a temporary root (dpkg-deb -x): its files, Depends, the binary;
#  3. the image with podman: non-root, labels, HEALTHCHECK, a KMS round trip with boto3, state in
#     the /data volume; `--compat local-kms` / ROTOR_COMPAT=local-kms in the image listens on
#     8080 (not 4599) and loads /init/seed.yaml into eu-west-2 / 111122223333, `--compat moto`
#     on 5000 with GET /moto-api/, and the health check finds the port in each case.
#   scripts/package_test.sh               all three (about 3 minutes)
#   ROTOR_SKIP_IMAGE=1 scripts/package_test.sh      ROTOR_SKIP_E2E=1: without the e2e subset
# Env: ROTOR_DIST (dist/), ROTOR_IMAGE (localhost/rotor). Not part of scripts/test.sh.
# Every server listens on 127.0.0.1 (published ports bind 127.0.0.1 only).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist=${ROTOR_DIST:-$repo/dist}
image=${ROTOR_IMAGE:-localhost/rotor}
arch=$(dpkg --print-architecture)
tmp=$(mktemp -d /tmp/rotor-package-test.XXXXXX)
tag=$$
# Every container started here carries this label, so cleanup finds them (run_image runs in a
# command substitution, whose variables do not reach this shell); -v removes their anonymous
# /data volumes too.
label="rotor-package-test=$tag"
cleanup() {
  local c
  for c in $(podman ps -a -q --filter "label=$label" 2>/dev/null); do
    podman --runtime runc rm -f -v "$c" >/dev/null 2>&1 || true
  done
  podman volume rm -f "rotor-package-test-$tag" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
step() { echo "== $* ($(date -u +%H:%M:%S))"; }
fail() { echo "scripts/package_test.sh: FAILED: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

tarballs=("$dist"/rotor-*-linux-"$arch".tar.gz)
tarball=${tarballs[0]}
[[ -f "$tarball" ]] || tarball=""
[[ -n "$tarball" ]] || fail "no $dist/rotor-*-linux-$arch.tar.gz: run scripts/package.sh first"
name=$(basename "$tarball" .tar.gz)
version=${name#rotor-}; version=${version%-linux-*}
echo "rotor $version ($arch)"
(cd "$dist" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match"

step "tarball $name"
tar -xzf "$tarball" -C "$tmp"
root="$tmp/$name"
for f in rotor rotor.1.gz README.md rotor.service docs/cli.md docs/migrating.md licenses/simdjson.LICENSE; do
  [[ -e "$root/$f" ]] || fail "the tarball lacks $f"
done
needed=$(readelf -d "$root/rotor" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
[[ "$needed" =~ ^(libc\.so\.6 |libm\.so\.6 |ld-linux[^ ]* )+$ ]] || fail "rotor needs more than glibc: $needed"
echo "NEEDED: $needed"
[[ $("$root/rotor" --version) == *"$version"* ]] || fail "--version does not say $version"
[[ $(zcat "$root/rotor.1.gz") == *compat* ]] || fail "man page without the options"
if [[ "${ROTOR_SKIP_E2E:-}" != 1 ]]; then
  step "e2e subset against the tarball's binary"
  log="$tmp/e2e.log"
  ROTOR_BIN="$root/rotor" "$repo/tests/e2e/python/run.sh" -k test_compat -k test_crypto -k test_rotation >"$log" 2>&1 ||
    { tail -40 "$log"; fail "e2e subset"; }
  ! grep -q "rotor binary not found" "$log" || fail "the e2e tests skipped: binary not found"
  tail -3 "$log"
fi

step ".deb"
deb="$dist/rotor_${version}_$arch.deb"
[[ -f "$deb" ]] || fail "no $deb"
dpkg-deb -x "$deb" "$tmp/debroot"
for f in usr/bin/rotor usr/share/man/man1/rotor.1.gz usr/lib/systemd/system/rotor.service \
         usr/share/doc/rotor/README.md usr/share/doc/rotor/docs/cli.md; do
  [[ -e "$tmp/debroot/$f" ]] || fail "the .deb lacks /$f"
done
depends=$(dpkg-deb -f "$deb" Depends)
[[ "$depends" =~ ^libc6 ]] && [[ "$depends" != *,* ]] || fail "Depends should be libc6 only: $depends"
echo "Depends: $depends"
[[ $("$tmp/debroot/usr/bin/rotor" --version) == *"$version"* ]] || fail "the .deb's rotor --version"
grep -q "^ExecStart=/usr/bin/rotor " "$tmp/debroot/usr/lib/systemd/system/rotor.service" || fail "systemd unit"

[[ "${ROTOR_SKIP_IMAGE:-}" == 1 ]] && { echo "scripts/package_test.sh: passed (image skipped)"; exit 0; }

step "image $image:$version"
podman image exists "$image:$version-$arch" || fail "no image $image:$version-$arch: run scripts/package.sh"
[[ $(podman manifest inspect "$image:$version") == *"\"architecture\": \"$arch\""* ]] || fail "manifest list lacks $arch"
labels=$(podman image inspect "$image:$version-$arch" --format '{{json .Labels}}')
for l in source version licenses revision; do
  [[ "$labels" == *"org.opencontainers.image.$l"* ]] || fail "label org.opencontainers.image.$l missing: $labels"
done
[[ "$labels" == *"\"org.opencontainers.image.version\":\"$version\""* ]] || fail "version label: $labels"
podman image inspect "$image:$version-$arch" --format 'user {{.Config.User}}, exposed {{.Config.ExposedPorts}}, volumes {{.Config.Volumes}}, size {{.Size}} bytes'

# run_image NAME CONTAINER_PORT [podman run options...] -- [rotor args...]: starts a container with
# a published loopback port, prints the host port once /_rotor/health answers.
run_image() {
  local name=$1 cport=$2; shift 2
  local opts=() hport
  while [[ $# -gt 0 && "$1" != -- ]]; do opts+=("$1"); shift; done
  shift
  hport=$(free_port)
  podman --runtime runc run -d --name "$name" --label "$label" --ulimit nofile=1024:1024 \
    --ulimit nproc=1024:1024 -p "127.0.0.1:$hport:$cport" "${opts[@]}" "$image:$version-$arch" "$@" >/dev/null
  for _ in $(seq 60); do
    curl -sf "http://127.0.0.1:$hport/_rotor/health" >/dev/null 2>&1 && { echo "$hport"; return 0; }
    sleep 0.5
  done
  podman logs "$name" >&2 || true
  fail "$name: no answer on container port $cport"
}
healthy() { podman healthcheck run "$1" >/dev/null || fail "$1: HEALTHCHECK unhealthy"; echo "$1: HEALTHCHECK healthy"; }
boto() {  # boto PORT REGION SCRIPT: runs SCRIPT with `kms`, a boto3 client for the container
  python3 - "$1" "$2" "$3" <<'PY'
import sys, boto3
port, region, script = sys.argv[1], sys.argv[2], sys.argv[3]
kms = boto3.client("kms", endpoint_url=f"http://127.0.0.1:{port}", region_name=region,
                   aws_access_key_id="test", aws_secret_access_key="test")
exec(script)
PY
}

vol="rotor-package-test-$tag"
port=$(run_image "rotor-pt-$tag" 4599 -v "$vol:/data" -e ROTOR_ADMIN_TOKEN=t0ken -- --clock virtual)
c="rotor-pt-$tag"
logs=$(podman logs "$c" 2>&1); echo "${logs%%$'\n'*}"
[[ $(podman exec "$c" id -u) == 10001 ]] || fail "the server does not run as uid 10001"
healthy "$c"
blob=$(boto "$port" us-east-1 '
k = kms.create_key(Description="package test")["KeyMetadata"]["KeyId"]
kms.create_alias(AliasName="alias/package-test", TargetKeyId=k)
blob = kms.encrypt(KeyId="alias/package-test", Plaintext=b"hello")["CiphertextBlob"]
assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"hello"
print(blob.hex())')
echo "boto3: CreateKey, CreateAlias, Encrypt, Decrypt"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/_rotor/clock")
[[ "$code" == 403 ]] || fail "admin endpoint without the token answered $code"
podman --runtime runc rm -f -v "$c" >/dev/null
port=$(run_image "rotor-pt2-$tag" 4599 -v "$vol:/data" -- )
boto "$port" us-east-1 "assert kms.decrypt(CiphertextBlob=bytes.fromhex('$blob'))['Plaintext'] == b'hello'"
echo "a new container on the same volume decrypts the old ciphertext"
podman --runtime runc rm -f -v "rotor-pt2-$tag" >/dev/null
podman volume rm -f "$vol" >/dev/null

step "local-kms drop-in: only the image name and ROTOR_COMPAT change"
mkdir -p "$tmp/init"
key_id=11111111-2222-3333-4444-555555555555
cat > "$tmp/init/seed.yaml" <<YAML
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: $key_id
        BackingKeys:
          - 5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9
Aliases:
  - AliasName: alias/testing
    TargetKeyId: $key_id
YAML
chmod -R a+rX "$tmp/init"
for how in env arg; do
  c="rotor-lk-$how-$tag"
  if [[ $how == env ]]; then
    port=$(run_image "$c" 8080 -e ROTOR_COMPAT=local-kms -v "$tmp/init:/init:ro" -- )
  else
    port=$(run_image "$c" 8080 -v "$tmp/init:/init:ro" -- --compat local-kms)
  fi
  logs=$(podman logs "$c" 2>&1)
  [[ "$logs" == *"compat local-kms, account 111122223333, region eu-west-2"* ]] || fail "$c: start line: $logs"
  healthy "$c"
  boto "$port" eu-west-2 "
m = kms.describe_key(KeyId='alias/testing')['KeyMetadata']
assert m['Arn'] == 'arn:aws:kms:eu-west-2:111122223333:key/$key_id', m['Arn']
blob = kms.encrypt(KeyId='alias/testing', Plaintext=b'x')['CiphertextBlob']
assert kms.decrypt(CiphertextBlob=blob)['Plaintext'] == b'x'"
  echo "$c: listens on 8080, seed key in eu-west-2/111122223333"
  podman --runtime runc rm -f -v "$c" >/dev/null
done

step "moto drop-in"
c="rotor-moto-$tag"
port=$(run_image "$c" 5000 -- --compat moto)
healthy "$c"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/moto-api/")
[[ "$code" == 200 ]] || fail "GET /moto-api/ answered $code"
boto "$port" us-east-1 "
arn = kms.create_key()['KeyMetadata']['Arn']
assert arn.startswith('arn:aws:kms:us-east-1:123456789012:key/'), arn"
echo "$c: listens on 5000, account 123456789012, GET /moto-api/ 200"
podman --runtime runc rm -f -v "$c" >/dev/null

step "docs/integrations.md's compose file with podman-compose"
if ! command -v podman-compose >/dev/null; then
  fail "podman-compose missing (apt-get install podman-compose golang-github-containernetworking-plugin-dnsname)"
fi
cdir="$tmp/compose"
mkdir -p "$cdir"
hport=$(free_port)
# The snippet as printed, with this image and a free host port.
python3 - "$repo/docs/integrations.md" "$image:$version-$arch" "$hport" > "$cdir/compose.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
block = re.search(r"<!-- tested: compose -->\n```yaml\n(.*?)```", text, re.S).group(1)
block = block.replace("image: rotor:local", f"image: {sys.argv[2]}")
block = block.replace('"127.0.0.1:4599:4599"', f'"127.0.0.1:{sys.argv[3]}:4599"')
print(block, end="")
PY
grep -q "image: $image:$version-$arch" "$cdir/compose.yaml" || fail "the compose snippet was not found"
# The app the snippet builds: boto3 from Debian (1.26, which reads neither AWS_ENDPOINT_URL_KMS nor
# AWS_REGION, so the script passes both), a few bounded retries while Rotor starts.
cat > "$cdir/Dockerfile" <<DOCKERFILE
FROM ${ROTOR_BASE_IMAGE:-localhost/debian:bookworm-slim}
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-boto3 \
 && rm -rf /var/lib/apt/lists/*
COPY app.py /app.py
CMD ["python3", "/app.py"]
DOCKERFILE
cat > "$cdir/app.py" <<'PY'
import os, time, boto3, botocore
kms = boto3.client("kms", endpoint_url=os.environ["AWS_ENDPOINT_URL_KMS"], region_name=os.environ["AWS_REGION"])
for attempt in range(30):
    try:
        key = kms.create_key(Description="compose app")["KeyMetadata"]["KeyId"]
        break
    except botocore.exceptions.EndpointConnectionError:
        time.sleep(1)
blob = kms.encrypt(KeyId=key, Plaintext=b"hello from the app")["CiphertextBlob"]
print("app:", key, kms.decrypt(CiphertextBlob=blob)["Plaintext"].decode())
PY
cat > "$tmp/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
CONF
project="rotorpt$tag"
compose() { CONTAINERS_CONF="$tmp/containers.conf" BUILDAH_ISOLATION=chroot \
            timeout 900 podman-compose -p "$project" -f "$cdir/compose.yaml" "$@"; }
compose_down() { compose down >/dev/null 2>&1 || true; }
trap 'compose_down; cleanup' EXIT
compose up -d >"$tmp/compose-up.log" 2>&1 || { tail -30 "$tmp/compose-up.log"; fail "podman-compose up"; }
names=$(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}')
rotor_c=$(awk '/rotor/ {print; exit}' <<<"$names")
app_c=$(awk '/app/ {print; exit}' <<<"$names")
[[ -n "$rotor_c" && -n "$app_c" ]] || fail "compose containers not found: $(podman ps -a --format '{{.Names}}')"
for _ in $(seq 120); do
  [[ $(podman inspect -f '{{.State.Status}}' "$app_c") == exited ]] && break
  sleep 1
done
out=$(podman logs "$app_c" 2>&1)
echo "$out" | tail -2
[[ "$out" == *"hello from the app"* ]] || fail "the compose app did not round-trip: $out"
healthy "$rotor_c"
[[ $(curl -sf "http://127.0.0.1:$hport/_rotor/health") == *'"status":"ok"'* ]] || fail "the published port"
compose_down
echo "compose: app reached http://rotor:4599 and round-tripped; the health check is healthy"

echo "scripts/package_test.sh: passed"
