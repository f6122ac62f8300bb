#include <map>
#include <random>

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
    t.erase(*k); // a traversal survives erasing what it stands on
    if (*k < 100)
      t.insert(*k + 100, "later");
  }
  BOOST_TEST(keys == (std::vector<int>{1, 3, 5, 9, 101, 103, 105, 109}),
             boost::test_tools::per_element());
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

BOOST_AUTO_TEST_CASE(the_contention_adapting_tree_answers_the_same_after_splits_and_joins) {
  // The storage on its own, against std::map as the model, while base nodes
  // split and join as contention would make them.
  using store_type = ets::detail::ordered_store<int, int, std::less<int>>;
  ets::table_options opts;
  opts.write_concurrency = true;
  store_type store{opts};
  std::map<int, int> model;
  std::mt19937 gen{42};
  std::uniform_int_distribution<int> key{0, 2000};
  std::uniform_int_distribution<int> op{0, 9};
  auto check = [&] {
    BOOST_REQUIRE_EQUAL(store.size(), model.size());
    std::vector<std::pair<int, int>> all;
    store.for_each([&](int k, int v) { all.emplace_back(k, v); });
    BOOST_REQUIRE((all == std::vector<std::pair<int, int>>(model.begin(), model.end())));
    std::vector<int> forward;
    for (auto k = store.first(); k; k = store.next(*k))
      forward.push_back(*k);
    std::vector<int> backward;
    for (auto k = store.last(); k; k = store.prev(*k))
      backward.push_back(*k);
    std::reverse(backward.begin(), backward.end());
    BOOST_REQUIRE(forward == backward);
    BOOST_REQUIRE_EQUAL(forward.size(), model.size());
    auto lo = key(gen);
    auto hi = lo + 300;
    std::size_t in_range = 0;
    store.for_range(lo, hi, [&](int, int) { ++in_range; });
    BOOST_REQUIRE_EQUAL(in_range, static_cast<std::size_t>(
                                    std::distance(model.lower_bound(lo), model.lower_bound(hi))));
  };
  for (int round = 0; round < 3000; ++round) {
    auto k = key(gen);
    switch (op(gen)) {
      case 0:
      case 1:
      case 2:
        store.insert(k, round);
        model[k] = round;
        break;
      case 3:
        BOOST_REQUIRE_EQUAL(store.erase(k), model.erase(k));
        break;
      case 4: {
        std::vector<std::pair<int, int>> batch{{k, 1}, {key(gen), 2}, {key(gen), 3}};
        for (auto& [bk, bv] : batch)
          model[bk] = bv;
        store.insert(batch);
        break;
      }
      case 5:
        store.force_split(k);
        break;
      case 6:
        store.force_join(k);
        break;
      case 7:
        BOOST_REQUIRE_EQUAL(store.lookup(k).has_value(), model.count(k) == 1);
        break;
      default:
        break;
    }
    if (round % 100 == 0)
      check();
  }
  check();
  BOOST_TEST(store.base_count() > 1u);
  BOOST_TEST(store.erase_if([](int k, int) { return k % 2 == 0; })
             == static_cast<std::size_t>(std::count_if(model.begin(), model.end(),
                                                       [](auto& e) { return e.first % 2 == 0; })));
  for (auto i = model.begin(); i != model.end();)
    i = i->first % 2 == 0 ? model.erase(i) : std::next(i);
  check();
}

BOOST_AUTO_TEST_SUITE_END()
