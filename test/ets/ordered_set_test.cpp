#include "ets_fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

BOOST_FIXTURE_TEST_SUITE(ordered_set, ets_fixture)

BOOST_AUTO_TEST_CASE(traversal_follows_key_order_both_ways) {
  auto owner = spawn_idle();
  auto t = *ets::ordered_set<int, std::string>::create(as(owner));
  for (int k : {5, 1, 9, 3})
    t.insert(k, std::to_string(k));
  BOOST_TEST(**t.first() == 1);
  BOOST_TEST(**t.last() == 9);
  BOOST_TEST(**t.next(1) == 3);
  BOOST_TEST(**t.next(4) == 5); // a key that is not there
  BOOST_TEST(!t.next(9)->has_value());
  BOOST_TEST(**t.prev(5) == 3);
  BOOST_TEST(!t.prev(1)->has_value());
  std::vector<int> keys;
  for (auto k = *t.first(); k; k = *t.next(*k)) {
    keys.push_back(*k);
    t.erase(*k);  // a traversal survives erasing what it stands on
    t.insert(*k + 100, "later");
  }
  BOOST_TEST(keys.front() == 1);
  BOOST_TEST(std::is_sorted(keys.begin(), keys.end()));
  BOOST_TEST((std::adjacent_find(keys.begin(), keys.end()) == keys.end()));
  end(owner);
}

BOOST_AUTO_TEST_CASE(range_queries_seek_by_key_bounds) {
  auto owner = spawn_idle();
  auto t = *ets::ordered_set<int, int>::create(as(owner));
  for (int k = 0; k < 100; ++k)
    t.insert(k, k * k);
  auto r = *t.range(10, 13);
  BOOST_REQUIRE_EQUAL(r.size(), 3u);
  BOOST_TEST(r[0].first == 10);
  BOOST_TEST(r[2].second == 144);
  BOOST_TEST(t.range(std::nullopt, 5)->size() == 5u);
  BOOST_TEST(t.range(95, std::nullopt)->size() == 5u);
  BOOST_TEST(t.range(50, 50)->empty());
  end(owner);
}

BOOST_AUTO_TEST_CASE(a_comparator_orders_the_keys) {
  auto owner = spawn_idle();
  auto t = *ets::ordered_set<int, int, std::greater<int>>::create(as(owner));
  for (int k : {1, 2, 3})
    t.insert(k, k);
  BOOST_TEST(**t.first() == 3);
  BOOST_TEST(*t.update_counter(2, 40) == 42);
  BOOST_TEST(**t.take(2) == 42);
  BOOST_TEST(*t.size() == 2u);
  end(owner);
}

BOOST_AUTO_TEST_SUITE_END()
