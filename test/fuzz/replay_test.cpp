// Replays a fuzz target over its seeds and over every input that once made
// it fail (test/fuzz/regressions/TARGET/, passed as REGRESSIONS): the fuzz
// findings stay fixed in every test build, sanitizers included.

#include <filesystem>
#include <fstream>
#include <iterator>

#include <boost/test/unit_test.hpp>

#include "fuzz_target.hpp"

namespace {

std::size_t replay(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  return 1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(fuzz_replay)

BOOST_AUTO_TEST_CASE(seeds_pass) {
  auto seeds = kintsugi::fuzz::seeds();
  BOOST_REQUIRE(!seeds.empty());
  std::size_t n = 0;
  for (auto& seed : seeds)
    n += replay(seed);
  BOOST_TEST(n == seeds.size());
}

BOOST_AUTO_TEST_CASE(regressions_pass) {
  namespace fs = std::filesystem;
  std::size_t n = 0;
  if (fs::is_directory(REGRESSIONS))
    for (auto& entry : fs::directory_iterator{REGRESSIONS}) {
      std::ifstream in{entry.path(), std::ios::binary};
      n += replay(std::string{std::istreambuf_iterator<char>{in}, {}});
    }
  BOOST_TEST_MESSAGE(n << " regression inputs replayed from " << REGRESSIONS);
  BOOST_TEST(n
             == static_cast<std::size_t>(
               std::distance(fs::directory_iterator{REGRESSIONS}, fs::directory_iterator{})));
}

BOOST_AUTO_TEST_SUITE_END()
