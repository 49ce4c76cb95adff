#!/usr/bin/env bash
# Fetches the Debian source of the installed libsimdjson-dev (same version, so its
# singleheader/simdjson.cpp matches /usr/include/simdjson.h) into DIR and prints the source
# tree's path. Debian ships no static libsimdjson.a; a static-runtime build compiles this file
# in (cmake -DROTOR_SIMDJSON_SOURCE=..., cmake/static_runtime.cmake).
#   scripts/fetch_simdjson_source.sh DIR
# Uses apt with its own deb-src list and state under DIR: the machine's apt setup is untouched.
set -euo pipefail
dir=$(mkdir -p "$1" && cd "$1" && pwd)
version=$(dpkg-query -W -f '${Version}' libsimdjson-dev)       # e.g. 3.0.1-1
upstream=${version%-*}
tree="$dir/simdjson-$upstream"
if [[ ! -f "$tree/singleheader/simdjson.cpp" ]]; then
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  mkdir -p "$dir/apt/lists/partial"
  echo "deb-src http://deb.debian.org/debian $codename main" > "$dir/apt/sources.list"
  apt_opts=(-q -o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o Dir::Etc::sourceparts=-
            -o "Dir::State::Lists=$dir/apt/lists" -o APT::Get::List-Cleanup=0)
  apt-get "${apt_opts[@]}" update >&2
  (cd "$dir" && apt-get "${apt_opts[@]}" source --download-only "simdjson=$version" >&2)
  tar -xzf "$dir/simdjson_$upstream.orig.tar.gz" -C "$dir" \
      "simdjson-$upstream/singleheader" "simdjson-$upstream/LICENSE"
fi
echo "$tree"
