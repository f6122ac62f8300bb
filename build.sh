#!/usr/bin/env bash
# Kintsugi's one entry point. Installs missing Debian packages (as root), then:
#   ./build.sh demo [ARGS]       build and run the main job: the Islands game
#                                (ARGS go to it: play, web [--port N], serve --games N,
#                                --durable PATH)
#   ./build.sh test              build and run the whole test suite
#   ./build.sh sanitize [SAN]    the test suite under sanitizers
#                                (SAN: address,undefined (default) or thread)
#   ./build.sh fuzz [SECONDS [TARGET...]]
#                                build the libFuzzer targets with clang and run
#                                each (or those named) for SECONDS (default 45);
#                                failing inputs go to build/fuzz/findings/TARGET/
#   ./build.sh bench [W...]      build kintsugi-bench in Release and run it
#                                (--build-only: build it and print its path)
#   ./build.sh format [--check]  format the project's C++ files with .clang-format
#                                (--check: change nothing, fail if one would change)
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
    cmake/install-deps.sh chromium
    # The benchmarks are built (not run), so that they keep compiling.
    configure build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKINTSUGI_BUILD_BENCHMARKS=ON
    cmake --build build/test -j "$jobs"
    ctest --test-dir build/test --output-on-failure -j "$jobs"
    ;;
  sanitize)
    san=${1:-address,undefined}
    cmake/install-deps.sh chromium
    dir=build/sanitize-${san//,/-}
    extra=()
    # ThreadSanitizer needs a CAF it can see into (cmake/build-caf-tsan.sh),
    # kept outside the clone: a later clone on this machine reuses it.
    case "$san" in *thread*)
      libs=$(cmake/build-caf-tsan.sh "${XDG_CACHE_HOME:-$HOME/.cache}/kintsugi/caf-tsan")
      extra+=(-DCAF_CORE_LIBRARY="$libs/libcaf_core.so" -DCAF_IO_LIBRARY="$libs/libcaf_io.so"
             -DCAF_OPENSSL_LIBRARY="$libs/libcaf_openssl.so");;
    esac
    configure "$dir" -DCMAKE_BUILD_TYPE=Debug -DKINTSUGI_SANITIZERS="$san" \
      -DKINTSUGI_BUILD_BENCHMARKS=OFF "${extra[@]}"
    cmake --build "$dir" -j "$jobs" --target tests
    ctest --test-dir "$dir" --output-on-failure -j "$jobs"
    ;;
  fuzz)
    seconds=${1:-45}
    [ $# -gt 0 ] && shift
    targets=("$@")
    [ ${#targets[@]} -eq 0 ] && targets=($(ls test/fuzz/regressions))
    cmake/install-deps.sh clang libclang-rt-14-dev
    dir=build/fuzz
    configure "$dir" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DKINTSUGI_FUZZ=ON -DKINTSUGI_SANITIZERS=address,undefined -DKINTSUGI_BUILD_BENCHMARKS=OFF
    cmake --build "$dir" -j "$jobs" --target fuzzers
    export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$PWD/test/sanitizers/ubsan.supp
    # strict_memcmp=0, replace_intrin=0: see kintsugi_fuzz_target in test/CMakeLists.txt.
    export ASAN_OPTIONS=strict_memcmp=0:replace_intrin=0
    for name in "${targets[@]}"; do
      target=test/fuzz/regressions/$name/
      findings=$dir/findings/$name
      mkdir -p "$dir/corpus/$name" "$findings"
      echo "== fuzz_$name: $seconds s" >&2
      # Fork mode, so that a hang is recorded and fuzzing goes on. Corpus
      # first: libFuzzer adds what it finds to the first directory.
      "$dir/test/fuzz_$name" "$dir/corpus/$name" "$target" -fork=1 -ignore_timeouts=1 \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="$findings/" 2>&1 |
        grep -E '^(#[0-9]+: cov|INFO: exiting|==.*(ERROR|SUMMARY)|fuzz property)' | tail -3 >&2 || true
      for hang in "$findings"/timeout-*; do
        [ -e "$hang" ] && echo "fuzz_$name: a hang, kept in $hang" >&2
      done
      if [ -n "$(ls -A "$findings")" ]; then
        echo "fuzz_$name failed: inputs in $findings (fix, then copy them to $target)" >&2
        exit 1
      fi
    done
    ;;
  bench)
    cmake/install-deps.sh
    configure build/release -DCMAKE_BUILD_TYPE=Release -DKINTSUGI_BUILD_TESTS=OFF
    cmake --build build/release -j "$jobs" --target kintsugi-bench >&2
    runner=build/release/benchmarks/kintsugi-bench
    if [ "${1:-}" = --build-only ]; then echo "$PWD/$runner"; exit 0; fi
    exec "$runner" "$@"
    ;;
  format)
    cmake/install-deps.sh clang-format
    files=$(git ls-files '*.cpp' '*.hpp')
    if [ "${1:-}" = --check ]; then
      # shellcheck disable=SC2086
      clang-format --dry-run --Werror $files
    else
      # shellcheck disable=SC2086
      clang-format -i $files
    fi
    ;;
  *)
    awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
