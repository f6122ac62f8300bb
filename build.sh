#!/usr/bin/env bash
# Kintsugi's one entry point. Installs missing Debian packages (as root), then:
#   ./build.sh demo [ARGS]       build and run the main job: the Islands game
#                                (ARGS go to it: play, serve --games N, --durable PATH)
#   ./build.sh test              build and run the whole test suite
#   ./build.sh sanitize [SAN]    the test suite under sanitizers
#                                (SAN: address,undefined (default) or thread)
#   ./build.sh bench [W...]      build kintsugi-bench in Release and run it
#                                (--build-only: build it and print its path)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
jobs=$(nproc)

configure() { # build-dir, cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" "$@" >/dev/null
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  demo)
    cmake/install-deps.sh
    configure build/release -DCMAKE_BUILD_TYPE=Release -DKINTSUGI_BUILD_TESTS=OFF
    cmake --build build/release -j "$jobs" --target islands
    exec build/release/examples/islands/islands "$@"
    ;;
  test)
    cmake/install-deps.sh
    configure build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINTSUGI_BUILD_BENCHMARKS=OFF
    cmake --build build/test -j "$jobs"
    ctest --test-dir build/test --output-on-failure -j "$jobs"
    ;;
  sanitize)
    san=${1:-address,undefined}
    cmake/install-deps.sh
    dir=build/sanitize-${san//,/-}
    extra=()
    # ThreadSanitizer needs a CAF it can see into (cmake/build-caf-tsan.sh).
    case "$san" in *thread*)
      extra+=(-DCAF_CORE_LIBRARY="$(cmake/build-caf-tsan.sh build/caf-tsan)");;
    esac
    configure "$dir" -DCMAKE_BUILD_TYPE=Debug -DKINTSUGI_SANITIZERS="$san" \
      -DKINTSUGI_BUILD_BENCHMARKS=OFF "${extra[@]}"
    cmake --build "$dir" -j "$jobs"
    ctest --test-dir "$dir" --output-on-failure -j "$jobs"
    ;;
  bench)
    cmake/install-deps.sh
    configure build/release -DCMAKE_BUILD_TYPE=Release -DKINTSUGI_BUILD_TESTS=OFF
    cmake --build build/release -j "$jobs" --target kintsugi-bench >&2
    runner=build/release/benchmarks/kintsugi-bench
    if [ "${1:-}" = --build-only ]; then echo "$PWD/$runner"; exit 0; fi
    exec "$runner" "$@"
    ;;
  *)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
