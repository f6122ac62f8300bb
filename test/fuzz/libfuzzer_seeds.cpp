// For libFuzzer runs only: a target puts its seeds into its corpus
// directory (the first directory on its command line) when that is empty,
// so a fresh checkout fuzzes from valid inputs, not from nothing.

#include <filesystem>
#include <fstream>

#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  namespace fs = std::filesystem;
  for (int i = 1; i < *argc; ++i) {
    fs::path dir{(*argv)[i]};
    std::error_code ec;
    if ((*argv)[i][0] == '-' || !fs::is_directory(dir, ec))
      continue;
    if (fs::is_empty(dir, ec)) {
      int n = 0;
      for (auto& seed : kintsugi::fuzz::seeds())
        std::ofstream{dir / ("seed-" + std::to_string(n++)), std::ios::binary} << seed;
    }
    break;
  }
  return 0;
}
