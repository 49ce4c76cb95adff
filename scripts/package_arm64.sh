#!/usr/bin/env bash
# linux-arm64 artefacts, cross-built on a Debian amd64 machine, and the unit tests run under
# qemu-user-static. Slow (a full build without ccache hits, then every Catch2 test emulated),
# so it is its own script rather than a step of scripts/package.sh or scripts/test.sh:
#   scripts/package_arm64.sh            then scripts/package.sh adds the arm64 image when it can
#   ROTOR_ARM64_SKIP_TESTS=1 scripts/package_arm64.sh
# Makes dist/rotor-VERSION-linux-arm64.tar.gz, dist/rotor_VERSION_arm64.deb and
# dist/image/rotor-linux-arm64 (the stripped binary docker/Dockerfile takes for TARGETARCH=arm64).
# Installs (once) Debian's arm64 architecture, crossbuild-essential-arm64, the :arm64 -dev
# packages and qemu-user-static. Builds from the current HEAD (a fresh clone).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dist=${ROTOR_DIST:-$repo/dist}
work="$repo/build-package-arm64"
src="$work/src"
build="$src/build-arm64"
step() { echo "== $* ($(date -u +%H:%M:%S))"; }
fail() { echo "scripts/package_arm64.sh: FAILED: $*" >&2; exit 1; }
[[ -f /work/notes/ccache.env ]] && . /work/notes/ccache.env
start=$(date +%s)

dev=(libssl-dev libsqlite3-dev libyaml-cpp-dev libsimdjson-dev libboost-dev catch2)
missing=()
for p in crossbuild-essential-arm64 qemu-user-static help2man "${dev[@]/%/:arm64}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  step "installing ${missing[*]}"
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

commit=$(git -C "$repo" rev-parse HEAD)
step "clean tree: clone of $commit"
rm -rf "$src"; mkdir -p "$work" "$dist/image"
git clone -q --no-checkout "$repo" "$src"
git -C "$src" checkout -q --detach "$commit"
version=$(git -C "$src" describe --tags --exact-match 2>/dev/null | sed 's/^v//' ||
          sed -n 's/^project(rotor VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
simdjson=$("$src/scripts/fetch_simdjson_source.sh" "$work/simdjson")

step "cross build (nice -n 10)"
tests=ON; [[ "${ROTOR_ARM64_SKIP_TESTS:-}" == 1 ]] && tests=OFF
nice -n 10 cmake -S "$src" -B "$build" -G Ninja -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchain-aarch64.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROTOR_WERROR=ON -DBUILD_TESTING=$tests -DROTOR_STATIC_RUNTIME=ON \
  -DROTOR_SIMDJSON_SOURCE="$simdjson" -DROTOR_DEB_ARCHITECTURE=arm64 >/dev/null
nice -n 10 ninja -C "$build"
file "$build/rotor" | grep -q 'ARM aarch64' || fail "rotor is not an arm64 binary"
needed=$(aarch64-linux-gnu-readelf -d "$build/rotor" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
echo "NEEDED: $needed"
[[ "$needed" =~ ^(libc\.so\.6 |libm\.so\.6 |ld-linux[^ ]* )+$ ]] || fail "rotor needs more than glibc: $needed"
qemu-aarch64-static "$build/rotor" --version
echo "build: $(( $(date +%s) - start ))s"

if [[ $tests == ON ]]; then
  step "unit tests under qemu-aarch64-static"
  t0=$(date +%s)
  nice -n 10 ctest --test-dir "$build" -j2 --output-on-failure --timeout 900
  echo "unit tests under qemu: $(( $(date +%s) - t0 ))s"
fi

step "tarball and .deb"
mkdir -p "$build/man"
help2man --no-info --no-discard-stderr --version-option=--version \
  --name "local AWS KMS emulator with key rotation and a virtual clock" \
  --include "$src/packaging/rotor.h2m" "qemu-aarch64-static $build/rotor" 2>/dev/null > "$build/man/rotor.1" ||
  help2man --no-info --name "local AWS KMS emulator" "$build/rotor" > "$build/man/rotor.1"
gzip -9nf "$build/man/rotor.1"
name="rotor-$version-linux-arm64"
stage="$work/stage/$name"
rm -rf "$work/stage"; mkdir -p "$stage/licenses"
aarch64-linux-gnu-strip -o "$stage/rotor" "$build/rotor"
cp "$build/man/rotor.1.gz" "$src/README.md" "$src/packaging/rotor.service" "$stage/"
cp -r "$src/docs" "$stage/docs"
for pkg in libssl-dev libsqlite3-dev libyaml-cpp-dev; do cp "/usr/share/doc/$pkg/copyright" "$stage/licenses/$pkg.copyright"; done
cp /usr/share/doc/libstdc++-12-dev/copyright "$stage/licenses/libstdc++-12-dev.copyright"
cp "$simdjson/LICENSE" "$stage/licenses/simdjson.LICENSE"
tar -C "$work/stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$dist/$name.tar.gz" "$name"
install -m 0755 "$stage/rotor" "$dist/image/rotor-linux-arm64"
# dpkg-shlibdeps cannot read a foreign binary's dependencies without the arm64 libc's shlibs: the
# binary needs only glibc, so the dependency is written here.
(cd "$build" && cpack -G DEB -B "$work/deb" -D CPACK_DEBIAN_PACKAGE_SHLIBDEPS=OFF \
   -D CPACK_DEBIAN_PACKAGE_DEPENDS="libc6 (>= 2.34)" -D CPACK_STRIP_FILES=ON >/dev/null)
cp "$work/deb/rotor_${version}_arm64.deb" "$dist/"
dpkg-deb -f "$dist/rotor_${version}_arm64.deb" Package Version Architecture Depends
echo "scripts/package_arm64.sh: done in $(( $(date +%s) - start ))s"
