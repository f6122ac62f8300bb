#pragma once

// What every fuzz target of test/fuzz provides, and the helpers they share.
//
// A target is one LLVMFuzzerTestOneInput: run by libFuzzer in the fuzzing
// build (`./build.sh fuzz`), and replayed over its seeds and its regression
// inputs (test/fuzz/regressions/TARGET/) in every test build. A target
// checks the property it fuzzes and reports a violation by aborting, which
// both libFuzzer and CTest take as a failure.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include <caf/error.hpp>

#if defined(__SANITIZE_ADDRESS__)
#  define KINTSUGI_FUZZ_LSAN 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define KINTSUGI_FUZZ_LSAN 1
#  endif
#endif
#if defined(KINTSUGI_FUZZ_LSAN)
#  include <sanitizer/lsan_interface.h>
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size);

namespace kintsugi::fuzz {

/// Valid inputs that reach deep into the code under test, made with the
/// public API; the fuzzer starts from them.
std::vector<std::string> seeds();

[[noreturn]] inline void violation(const std::string& what) {
  std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
  std::abort();
}

inline void require(bool ok, const std::string& what) {
  if (!ok)
    violation(what);
}

/// Fails unless `err` is none, or of `category` with a code in `allowed`.
void require_error_in(const caf::error& err, caf::atom_value category,
                      std::initializer_list<uint8_t> allowed, const char* where);

/// A directory of this process's own for the files a target writes.
const std::string& scratch_dir();

/// Leaves what is allocated in its scope out of LeakSanitizer's check (a
/// durable table refused after a fault leaks by design: durable_file.cpp).
struct leaks_allowed {
#if defined(KINTSUGI_FUZZ_LSAN)
  leaks_allowed() {
    __lsan_disable();
  }
  ~leaks_allowed() {
    __lsan_enable();
  }
#else
  leaks_allowed() = default;
#endif
  leaks_allowed(const leaks_allowed&) = delete;
  leaks_allowed& operator=(const leaks_allowed&) = delete;
};

} // namespace kintsugi::fuzz
