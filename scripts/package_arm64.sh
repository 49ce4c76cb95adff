#!/usr/bin/env bash
# linux-arm64 artefacts, cross-built with Debian's multiarch packages (crossbuild-essential-arm64
# and the :arm64 -dev packages), and the unit tests run under qemu-user-static. Slow (a full build
# without ccache hits, then every Catch2 test emulated), so it is its own script rather than a step
# of scripts/package.sh or scripts/test.sh:
#   scripts/package_arm64.sh            then scripts/package.sh adds the arm64 image where it can
#   ROTOR_ARM64_SKIP_TESTS=1 scripts/package_arm64.sh
# Makes dist/rotor-VERSION-linux-arm64.tar.gz, dist/rotor_VERSION_arm64.deb and
# dist/image/rotor-linux-arm64 (the stripped binary docker/Dockerfile takes for TARGETARCH=arm64),
# from a fresh clone of HEAD.
# The build runs in a podman container (localhost/rotor-cross-arm64, made once from the base image
# of docker/base_image.sh): Debian 12's libyaml-cpp-dev, libsimdjson-dev and catch2 are not
# Multi-Arch: same, so installing their :arm64 packages on the host removes the amd64 ones that
# the host's own builds need.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
step() { echo "== $* ($(date -u +%H:%M:%S))"; }
fail() { echo "scripts/package_arm64.sh: FAILED: $*" >&2; exit 1; }
start=$(date +%s)

if [[ "${ROTOR_ARM64_INSIDE:-}" != 1 ]]; then
  dist=${ROTOR_DIST:-$repo/dist}
  work="$repo/build-package-arm64"
  base=${ROTOR_BASE_IMAGE:-localhost/debian:bookworm-slim}
  builder=localhost/rotor-cross-arm64
  commit=$(git -C "$repo" rev-parse HEAD)
  step "clean tree: clone of $commit"
  rm -rf "$work/src"; mkdir -p "$work" "$dist/image"
  git clone -q --no-checkout "$repo" "$work/src"
  git -C "$work/src" checkout -q --detach "$commit"
  simdjson=$("$repo/scripts/fetch_simdjson_source.sh" "$work/simdjson")
  if ! podman image exists "$builder"; then
    step "builder image $builder (cross toolchain, :arm64 -dev packages, qemu-user-static)"
    "$repo/docker/base_image.sh" "$base"
    printf '%s\n' "FROM $base" \
      "RUN dpkg --add-architecture arm64 && apt-get update && DEBIAN_FRONTEND=noninteractive \\" \
      "    apt-get install -y --no-install-recommends crossbuild-essential-arm64 qemu-user-static cmake \\" \
      "    ninja-build git help2man file dpkg-dev nlohmann-json3-dev libboost-dev:arm64 libssl-dev:arm64 \\" \
      "    libsqlite3-dev:arm64 libyaml-cpp-dev:arm64 libsimdjson-dev:arm64 catch2:arm64 \\" \
      " && rm -rf /var/lib/apt/lists/*" > "$work/Containerfile"
    timeout 1800 podman build --isolation=chroot -t "$builder" -f "$work/Containerfile" "$work" >/dev/null
  fi
  step "cross build in $builder (nice -n 10, no network)"
  nice -n 10 podman --runtime runc run --rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
    -e ROTOR_ARM64_INSIDE=1 -e ROTOR_ARM64_SKIP_TESTS="${ROTOR_ARM64_SKIP_TESTS:-}" \
    -v "$work/src:/src" -v "$simdjson:/simdjson:ro" -v "$dist:/dist" "$builder" /src/scripts/package_arm64.sh
  echo "scripts/package_arm64.sh: done in $(( $(date +%s) - start ))s"
  exit 0
fi

# Inside the builder: /src (the clone), /simdjson (its source), /dist (the artefacts).
src=/src
build=/src/build-arm64
work=/tmp/work
version=$(git -C "$src" describe --tags --exact-match 2>/dev/null | sed 's/^v//' ||
          sed -n 's/^project(rotor VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
tests=ON; [[ "${ROTOR_ARM64_SKIP_TESTS:-}" == 1 ]] && tests=OFF
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchain-aarch64.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROTOR_WERROR=ON -DBUILD_TESTING=$tests -DROTOR_STATIC_RUNTIME=ON \
  -DROTOR_SIMDJSON_SOURCE=/simdjson -DROTOR_DEB_ARCHITECTURE=arm64 >/dev/null
ninja -C "$build" -j2
file "$build/rotor" | grep -q 'ARM aarch64' || fail "rotor is not an arm64 binary"
needed=$(aarch64-linux-gnu-readelf -d "$build/rotor" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
echo "NEEDED: $needed"
[[ "$needed" =~ ^(libc\.so\.6 |libm\.so\.6 |ld-linux[^ ]* )+$ ]] || fail "rotor needs more than glibc: $needed"
qemu-aarch64-static "$build/rotor" --version
echo "build: $(( $(date +%s) - start ))s"

if [[ $tests == ON ]]; then
  step "unit tests under qemu-aarch64-static"
  t0=$(date +%s)
  ctest --test-dir "$build" -j2 --output-on-failure --timeout 900
  echo "unit tests under qemu: $(( $(date +%s) - t0 ))s"
fi

step "tarball and .deb"
mkdir -p "$build/man" "$work"
printf '#!/bin/sh\nexec qemu-aarch64-static %s "$@"\n' "$build/rotor" > "$work/rotor" && chmod +x "$work/rotor"
help2man --no-info --no-discard-stderr --version-option=--version \
  --name "local AWS KMS emulator with key rotation and a virtual clock" \
  --include "$src/packaging/rotor.h2m" "$work/rotor" > "$build/man/rotor.1"
gzip -9nf "$build/man/rotor.1"
name="rotor-$version-linux-arm64"
stage="$work/stage/$name"
mkdir -p "$stage/licenses"
aarch64-linux-gnu-strip -o "$stage/rotor" "$build/rotor"
cp "$build/man/rotor.1.gz" "$src/README.md" "$src/packaging/rotor.service" "$stage/"
cp -r "$src/docs" "$stage/docs"
for pkg in libssl-dev libsqlite3-dev libyaml-cpp-dev libstdc++-12-dev; do
  cp "/usr/share/doc/$pkg/copyright" "$stage/licenses/$pkg.copyright"
done
cp /simdjson/LICENSE "$stage/licenses/simdjson.LICENSE"
tar -C "$work/stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "/dist/$name.tar.gz" "$name"
install -D -m 0755 "$stage/rotor" /dist/image/rotor-linux-arm64
# dpkg-shlibdeps cannot read a foreign binary here; it needs only glibc, so Depends is written
# from the newest glibc symbol version the binary uses (2.36: arc4random).
glibc=$(aarch64-linux-gnu-objdump -T "$build/rotor" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
(cd "$build" && cpack -G DEB -B "$work/deb" -D CPACK_DEBIAN_PACKAGE_SHLIBDEPS=OFF \
   -D CPACK_DEBIAN_PACKAGE_DEPENDS="libc6 (>= ${glibc#GLIBC_})" >/dev/null)
cp "$work/deb/rotor_${version}_arm64.deb" /dist/
dpkg-deb -f "/dist/rotor_${version}_arm64.deb" Package Version Architecture Depends
