#!/usr/bin/env bash
# Builds CAF's core, io and openssl libraries from Debian's own source package, with
# ThreadSanitizer, into a folder below the one given as $1 (one per CAF
# version and version of this script), and prints the folder that holds
# libcaf_core.so, libcaf_io.so and libcaf_openssl.so.
#
# Why: Debian's libcaf_core is not instrumented, so ThreadSanitizer cannot see
# the synchronisation inside CAF's mailboxes and reports every message handed
# from one thread to another as a data race. With CAF instrumented, those
# reports go away and what remains is real. The headers stay Debian's (the
# same version and build configuration, checked below), so only the library
# is swapped.
set -euo pipefail
# One build per CAF version and version of this script, so that a build
# kept from before is used only when it is the same.
version=$(dpkg-query -W -f='${source:Version}' libcaf-dev)
key=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)
out=$(mkdir -p "$1/$version-$key" && cd "$1/$version-$key" && pwd)
libs="$out/build/lib"
if [ -f "$libs/libcaf_core.so" ] && [ -f "$libs/libcaf_io.so" ] && [ -f "$libs/libcaf_openssl.so" ]; then echo "$libs"; exit 0; fi

upstream=${version%-*}
cd "$out"
if [ ! -f "actor-framework_${upstream}.orig.tar.gz" ]; then
  if [ -z "$(apt-cache showsrc actor-framework 2>/dev/null)" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "build-caf-tsan: needs Debian source packages (deb-src); run as root" >&2
      exit 2
    fi
    echo "build-caf-tsan: enabling Debian source packages" >&2
    cat > /etc/apt/sources.list.d/kintsugi-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt-get update -qq >&2
  fi
  apt-get source --download-only --tar-only "actor-framework=${version}" >&2
fi
rm -rf src && mkdir src
tar xzf "actor-framework_${upstream}.orig.tar.gz" -C src --strip-components=1
# CAF 0.17.6 predates g++ 12, whose headers no longer include <limits> for
# libcaf_io (Debian patches that; its orig tarball does not).
cmake -S src -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DEXTRA_FLAGS=-fsanitize=thread -include limits" \
  -DCAF_LOG_LEVEL=QUIET -DCAF_NO_EXAMPLES=yes \
  -DCAF_NO_UNIT_TESTS=yes -DCAF_NO_TOOLS=yes -DCAF_NO_PYTHON=yes -DCAF_NO_OPENCL=yes \
  -DCAF_NO_SUMMARY=yes -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" >&2
if ! cmp -s build/libcaf_core/caf/detail/build_config.hpp /usr/include/caf/detail/build_config.hpp; then
  echo "build-caf-tsan: this build's configuration differs from Debian's headers" >&2
  exit 2
fi
# As in Kintsugi's own build: a fresh clone hits what an earlier one cached.
CCACHE_BASEDIR="$out" CCACHE_NOHASHDIR=1 cmake --build build -j "$(nproc)" --target libcaf_core_shared libcaf_io_shared libcaf_openssl_shared >&2
echo "$libs"
