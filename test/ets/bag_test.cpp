#include "ets_fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {
using ints = std::vector<int>;
} // namespace

BOOST_FIXTURE_TEST_SUITE(bag, ets_fixture)

BOOST_AUTO_TEST_CASE(a_bag_keeps_distinct_objects_in_insertion_order) {
  auto owner = spawn_idle();
  auto t = *ets::bag<std::string, int>::create(as(owner));
  for (int x : {3, 1, 3, 2, 1})
    t.insert("k", x);
  BOOST_TEST(*t.lookup("k") == (ints{3, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(*t.size() == 3u);
  BOOST_TEST(*t.erase_object("k", 1) == 1u);
  BOOST_TEST(*t.lookup("k") == (ints{3, 2}), boost::test_tools::per_element());
  BOOST_TEST(*t.take("k") == (ints{3, 2}), boost::test_tools::per_element());
  BOOST_TEST(t.lookup("k")->empty());
  BOOST_TEST(!*t.member("k"));
  end(owner);
}

BOOST_AUTO_TEST_CASE(a_duplicate_bag_keeps_every_copy) {
  auto owner = spawn_idle();
  auto t = *ets::duplicate_bag<std::string, int>::create(as(owner));
  for (int x : {3, 1, 3, 2, 1})
    t.insert("k", x);
  t.insert("j", 9);
  BOOST_TEST(*t.lookup("k") == (ints{3, 1, 3, 2, 1}), boost::test_tools::per_element());
  BOOST_TEST(*t.size() == 6u);
  BOOST_TEST(*t.erase_object("k", 3) == 2u);
  BOOST_TEST(*t.lookup("k") == (ints{1, 2, 1}), boost::test_tools::per_element());
  BOOST_TEST(*t.lookup_element("k", [](int x) { return x * 10; }) == (ints{10, 20, 10}),
             boost::test_tools::per_element());
  BOOST_TEST(*t.select_delete([](const std::string&, int x) { return x == 1; }) == 2u);
  BOOST_TEST(*t.erase("k") == 1u);
  BOOST_TEST(*t.size() == 1u);
  BOOST_TEST(!*t.insert_new("j", 5));
  end(owner);
}

BOOST_AUTO_TEST_SUITE_END()
