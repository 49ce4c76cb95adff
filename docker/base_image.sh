#!/usr/bin/env bash
# Makes a Debian bookworm base image for docker/Dockerfile where no container registry is
# reachable: mmdebstrap's minbase variant with the path exclusions of the official -slim image
# (no man pages, docs other than copyright files, locales or info pages), merged /usr set up by
# mmdebstrap's hook rather than the usrmerge package (which pulls in perl), imported into podman.
#   docker/base_image.sh [IMAGE [ARCH]]    default localhost/debian:bookworm-slim, the host's arch
# Does nothing when IMAGE exists. Another ARCH (arm64) needs qemu-user-static's binfmt entries.
set -euo pipefail
image=${1:-localhost/debian:bookworm-slim}
arch=${2:-$(dpkg --print-architecture)}
podman image exists "$image" && exit 0
work=$(mktemp -d /tmp/rotor-base-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "== making base image $image ($arch) with mmdebstrap (about 1 minute)"
timeout 900 nice -n 10 mmdebstrap --variant=minbase --architectures="$arch" \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  bookworm "$work/rootfs.tar" \
  "deb http://deb.debian.org/debian bookworm main" \
  "deb http://deb.debian.org/debian bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"
podman import --arch "$arch" "$work/rootfs.tar" "$image" >/dev/null
podman image inspect "$image" --format "$image: {{.Size}} bytes"
