#include "fuzz_target.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace kintsugi::fuzz {

void require_error_in(const caf::error& err, caf::atom_value category,
                      std::initializer_list<uint8_t> allowed, const char* where) {
  if (!err)
    return;
  require(err.category() == category
            && std::find(allowed.begin(), allowed.end(), err.code()) != allowed.end(),
          std::string{where} + ": unexpected error " + caf::to_string(err));
}

const std::string& scratch_dir() {
  static const std::string dir = [] {
    auto path = std::filesystem::temp_directory_path()
                / ("kintsugi-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    // The process may end anywhere (libFuzzer exits from a signal handler
    // or its time limit): clean up whatever is left at exit.
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(std::filesystem::temp_directory_path()
                                    / ("kintsugi-fuzz-" + std::to_string(::getpid())),
                                  ignored);
    });
    return path.string();
  }();
  return dir;
}

} // namespace kintsugi::fuzz
