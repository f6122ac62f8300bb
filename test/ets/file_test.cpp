#include "ets_fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

using scores = ets::set<std::string, int>;
using int_set = ets::set<int, int>;
using string_bag = ets::bag<std::string, int>;
using lines = ets::duplicate_bag<int, std::string>;

} // namespace

BOOST_FIXTURE_TEST_SUITE(file, ets_fixture)

BOOST_AUTO_TEST_CASE(a_saved_table_loads_back_whole) {
  temp_path f;
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  for (int i = 0; i < 1000; ++i)
    t.insert("k" + std::to_string(i), i);
  BOOST_REQUIRE(!ets::tab2file(t, f.path));
  auto back = ets::file2tab<scores>(as(owner), f.path);
  BOOST_REQUIRE(back);
  BOOST_TEST(*back->size() == 1000u);
  BOOST_TEST(**back->lookup("k999") == 999);
  // Bags keep their order per key.
  auto bag = *lines::create(as(owner));
  for (auto s : {"c", "a", "c"})
    bag.insert(1, s);
  BOOST_REQUIRE(!ets::tab2file(bag, f.path));
  auto bag2 = ets::file2tab<lines>(as(owner), f.path);
  BOOST_REQUIRE(bag2);
  BOOST_TEST(*bag2->lookup(1) == (std::vector<std::string>{"c", "a", "c"}),
             boost::test_tools::per_element());
  end(owner);
}

BOOST_AUTO_TEST_CASE(bad_files_give_clear_errors) {
  temp_path f;
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  for (int i = 0; i < 100; ++i)
    t.insert("k" + std::to_string(i), i);
  BOOST_REQUIRE(!ets::tab2file(t, f.path));
  auto good = f.bytes();
  // Every truncation.
  for (std::size_t n = 0; n < good.size(); n += 7) {
    f.write(good.substr(0, n));
    auto r = ets::file2tab<scores>(as(owner), f.path);
    BOOST_TEST(r.error() == ets::errc::bad_file, "truncated to " << n);
  }
  // A flipped byte in the objects.
  auto flipped = good;
  flipped[flipped.size() - 10] ^= 0x20;
  f.write(flipped);
  auto r = ets::file2tab<scores>(as(owner), f.path);
  BOOST_TEST(r.error() == ets::errc::bad_file);
  BOOST_TEST(render(r.error()).find("checksum") != std::string::npos, render(r.error()));
  f.write("this is not a table, just some text in a file");
  BOOST_TEST(ets::file2tab<scores>(as(owner), f.path).error() == ets::errc::bad_file);
  // The right file for another type.
  f.write(good);
  BOOST_TEST(ets::file2tab<int_set>(as(owner), f.path).error() == ets::errc::wrong_type);
  BOOST_TEST(ets::file2tab<string_bag>(as(owner), f.path).error() == ets::errc::wrong_type);
  BOOST_TEST(ets::file2tab<scores>(as(owner), "/nonexistent/dir/x.tab").error()
             == caf::sec::cannot_open_file);
  end(owner);
}

BOOST_AUTO_TEST_SUITE_END()
