#!/usr/bin/env bash
# Builds Rotor's release artefacts from a clean tree (a fresh clone of the commit at HEAD):
#   dist/rotor-VERSION-linux-amd64.tar.gz   rotor (OpenSSL, SQLite, yaml-cpp, simdjson and the C++
#                                           runtime linked in: needs only glibc), rotor.1, README,
#                                           docs, rotor.service, licences of what is linked in
#   dist/rotor_VERSION_amd64.deb            CPack: /usr/bin/rotor, man page, systemd unit (not enabled)
#   dist/rotor-VERSION-oci.tar              the image (docker/Dockerfile) as an OCI archive holding a
#                                           manifest list; also in podman as localhost/rotor:VERSION
#   dist/SHA256SUMS
# and dist/rotor-VERSION-linux-arm64.tar.gz / rotor_VERSION_arm64.deb when scripts/package_arm64.sh
# ran before (its binary then joins the manifest list when this machine can run arm64 images).
#   scripts/package.sh                  everything (about 10 minutes on 2 shared cores with a warm ccache)
#   ROTOR_SKIP_IMAGE=1 scripts/package.sh   tarball and .deb only
# Env: ROTOR_DIST (dist/), ROTOR_IMAGE (localhost/rotor), ROTOR_BASE_IMAGE
# (localhost/debian:bookworm-slim, made by docker/base_image.sh when missing; debian:bookworm-slim
# where a registry is reachable), ROTOR_SOURCE_URL (the image's source label, the .deb's Homepage),
# ROTOR_LICENSE (the image's licence label: the repository has no LICENSE file yet, so NOASSERTION).
# Not part of scripts/test.sh (slow, downloads the base image's packages); scripts/package_test.sh
# tests what this makes.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist=${ROTOR_DIST:-$repo/dist}
image=${ROTOR_IMAGE:-localhost/rotor}
base=${ROTOR_BASE_IMAGE:-localhost/debian:bookworm-slim}
license=${ROTOR_LICENSE:-NOASSERTION}
source_url=${ROTOR_SOURCE_URL:-$(git -C "$repo" remote get-url origin 2>/dev/null || echo https://github.com/OWNER/rotor)}
# A fixed place under the checkout (ignored by git): ccache then finds the objects of earlier
# builds, since its base dir makes the paths relative.
work="$repo/build-package"
src="$work/src"
build="$src/build-static"
step() { echo "== $* ($(date -u +%H:%M:%S))"; }
fail() { echo "scripts/package.sh: FAILED: $*" >&2; exit 1; }
[[ -f /work/notes/ccache.env ]] && . /work/notes/ccache.env

commit=$(git -C "$repo" rev-parse HEAD)
step "clean tree: clone of $commit"
rm -rf "$src"
mkdir -p "$work" "$dist"
git clone -q --no-checkout "$repo" "$src"
git -C "$src" checkout -q --detach "$commit"
version=$(git -C "$src" describe --tags --exact-match 2>/dev/null | sed 's/^v//' ||
          sed -n 's/^project(rotor VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
[[ -n "$version" ]] || fail "no version"
arch=$(dpkg --print-architecture)
echo "rotor $version ($arch)"

step "simdjson source (Debian ships no static libsimdjson.a)"
simdjson=$("$src/scripts/fetch_simdjson_source.sh" "$work/simdjson")

step "build: RelWithDebInfo, static runtime (nice -n 10)"
nice -n 10 cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROTOR_WERROR=ON \
  -DBUILD_TESTING=OFF -DROTOR_STATIC_RUNTIME=ON -DROTOR_SIMDJSON_SOURCE="$simdjson" \
  -DROTOR_SOURCE_URL="$source_url" >/dev/null
nice -n 10 ninja -C "$build" rotor

step "the binary needs only glibc"
needed=$(readelf -d "$build/rotor" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
echo "NEEDED: $needed"
for lib in $needed; do
  case "$lib" in
    libc.so.6 | libm.so.6 | ld-linux-*.so.* | libpthread.so.0 | libdl.so.2) ;;
    *) fail "rotor needs $lib (only glibc's libraries are allowed)" ;;
  esac
done
# The oldest glibc it runs on: the newest symbol version it uses (arc4random makes it 2.36).
echo "glibc symbols up to $(objdump -T "$build/rotor" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)"
"$build/rotor" --version

step "man page from --help (help2man)"
command -v help2man >/dev/null || fail "help2man missing (apt-get install help2man)"
mkdir -p "$build/man"
help2man --no-info --no-discard-stderr --section 1 --version-option=--version \
  --name "local AWS KMS emulator with key rotation and a virtual clock" \
  --include "$src/packaging/rotor.h2m" "$build/rotor" > "$build/man/rotor.1"
grep -q -- '--compat' "$build/man/rotor.1" || fail "the man page lacks the options"
gzip -9nf "$build/man/rotor.1"

step "tarball"
name="rotor-$version-linux-$arch"
stage="$work/stage/$name"
rm -rf "$work/stage" && mkdir -p "$stage/licenses"
install -m 0755 -s "$build/rotor" "$stage/rotor"
cp "$build/man/rotor.1.gz" "$src/README.md" "$src/packaging/rotor.service" "$stage/"
cp -r "$src/docs" "$stage/docs"
[[ -f "$src/LICENSE" ]] && cp "$src/LICENSE" "$stage/"
for pkg in libssl-dev libsqlite3-dev libyaml-cpp-dev libstdc++-12-dev; do  # what the binary links in
  cp "/usr/share/doc/$pkg/copyright" "$stage/licenses/$pkg.copyright"
done
cp "$simdjson/LICENSE" "$stage/licenses/simdjson.LICENSE"
tar -C "$work/stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$dist/$name.tar.gz" "$name"
# The stripped binary the image takes (docker/Dockerfile: dist/image/rotor-linux-<arch>).
install -D -m 0755 "$stage/rotor" "$dist/image/rotor-linux-$arch"

step ".deb (CPack)"
(cd "$build" && cpack -G DEB -B "$work/deb" >/dev/null)
cp "$work/deb/rotor_${version}_$arch.deb" "$dist/"
dpkg-deb -f "$dist/rotor_${version}_$arch.deb" Package Version Architecture Depends

if [[ "${ROTOR_SKIP_IMAGE:-}" != 1 ]]; then
  step "image (podman, docker/Dockerfile with the binaries above)"
  "$src/docker/base_image.sh" "$base"
  mkdir -p "$src/dist/image"
  cp "$dist/image/rotor-linux-$arch" "$src/dist/image/"
  arches=("$arch")
  if [[ -f "$dist/image/rotor-linux-arm64" && "$arch" != arm64 ]]; then
    if [[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
      cp "$dist/image/rotor-linux-arm64" "$src/dist/image/"
      "$src/docker/base_image.sh" "$base-arm64" arm64
      arches+=(arm64)
    else
      echo "arm64 binary present but no qemu-aarch64 binfmt entry: the manifest list has $arch only"
    fi
  fi
  podman manifest rm "$image:$version" >/dev/null 2>&1 || true
  podman manifest create "$image:$version" >/dev/null
  for a in "${arches[@]}"; do
    from=$base; [[ "$a" == "$arch" ]] || from="$base-$a"
    # --format docker: the OCI image format has no HEALTHCHECK, and podman drops it.
    timeout 1800 podman build --isolation=chroot --format docker --arch "$a" --build-arg TARGETARCH="$a" \
      --build-arg BASE_IMAGE="$from" --build-arg ROTOR_VERSION="$version" --build-arg ROTOR_REVISION="$commit" \
      --build-arg ROTOR_SOURCE_URL="$source_url" --build-arg ROTOR_LICENSE="$license" \
      --ignorefile "$src/docker/Dockerfile.dockerignore" -f "$src/docker/Dockerfile" \
      -t "$image:$version-$a" "$src"
    podman manifest add "$image:$version" "containers-storage:$image:$version-$a" >/dev/null
  done
  podman tag "$image:$version-$arch" "$image:latest"
  podman image inspect "$image:$version-$arch" --format "image $image:$version-$arch: {{.Size}} bytes"
  rm -f "$dist/rotor-$version-oci.tar"
  podman manifest push --all --format v2s2 "$image:$version" "oci-archive:$dist/rotor-$version-oci.tar:$version" >/dev/null
fi

step "checksums"
(cd "$dist" && sha256sum -- *.tar.gz *.deb $( [[ -f "rotor-$version-oci.tar" ]] && echo "rotor-$version-oci.tar") > SHA256SUMS)
cat "$dist/SHA256SUMS"
echo "scripts/package.sh: done ($dist)"
