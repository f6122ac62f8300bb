#include "ets_fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

struct player {
  std::string name;
  int score = 0;
  friend bool operator==(const player& x, const player& y) {
    return x.name == y.name && x.score == y.score;
  }
};

using scores = ets::set<std::string, int>;
using players = ets::set<int, player>;

} // namespace

BOOST_FIXTURE_TEST_SUITE(set, ets_fixture)

BOOST_AUTO_TEST_CASE(insert_replaces_and_lookup_finds) {
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  BOOST_TEST(!t.insert("a", 1));
  BOOST_TEST(!t.insert("a", 2));
  BOOST_TEST(!t.insert("b", 3));
  BOOST_TEST(**t.lookup("a") == 2);
  BOOST_TEST(!t.lookup("zz")->has_value());
  BOOST_TEST(*t.size() == 2u);
  BOOST_TEST(*t.member("b"));
  BOOST_TEST(!*t.member("c"));
  end(owner);
}

BOOST_AUTO_TEST_CASE(insert_new_keeps_what_is_there_and_batches_are_all_or_nothing) {
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  BOOST_TEST(*t.insert_new("a", 1));
  BOOST_TEST(!*t.insert_new("a", 2));
  BOOST_TEST(**t.lookup("a") == 1);
  BOOST_TEST(!*t.insert_new({{"b", 1}, {"a", 5}}));
  BOOST_TEST(!t.lookup("b")->has_value());
  BOOST_TEST(*t.insert_new({{"b", 1}, {"c", 5}}));
  BOOST_TEST(!t.insert({{"d", 4}, {"e", 5}}));
  BOOST_TEST(*t.size() == 5u);
  end(owner);
}

BOOST_AUTO_TEST_CASE(erase_erase_object_take_and_clear) {
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  t.insert({{"a", 1}, {"b", 2}, {"c", 3}});
  BOOST_TEST(*t.erase("a") == 1u);
  BOOST_TEST(*t.erase("a") == 0u);
  BOOST_TEST(*t.erase_object("b", 9) == 0u);
  BOOST_TEST(*t.erase_object("b", 2) == 1u);
  BOOST_TEST(**t.take("c") == 3);
  BOOST_TEST(*t.size() == 0u);
  t.insert("x", 1);
  BOOST_TEST(!t.clear());
  BOOST_TEST(*t.size() == 0u);
  end(owner);
}

BOOST_AUTO_TEST_CASE(update_counter_adds_atomically_with_a_default_object) {
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  BOOST_TEST(*t.update_counter("hits", 1) == 1);
  BOOST_TEST(*t.update_counter("hits", 5) == 6);
  BOOST_TEST(*t.update_counter("misses", -2, 10) == 8);
  auto p = *players::create(as(owner));
  auto field = [](player& x) -> int& { return x.score; };
  BOOST_TEST(*p.update_counter(7, 3, player{"Kusama", 0}, field) == 3);
  BOOST_TEST(*p.update_counter(7, 3, player{"Other", 100}, field) == 6);
  BOOST_TEST((**p.lookup(7) == player{"Kusama", 6}));
  BOOST_TEST(*p.update(7, [](player& x) { x.name = "Renamed"; }));
  BOOST_TEST(!*p.update(8, [](player& x) { x.name = "never"; }));
  BOOST_TEST(**p.lookup_element(7, [](const player& x) { return x.name; }) == "Renamed");
  BOOST_TEST(!p.lookup_element(8, [](const player& x) { return x.name; })->has_value());
  end(owner);
}

BOOST_AUTO_TEST_CASE(select_match_fold_and_select_delete) {
  auto owner = spawn_idle();
  auto t = *scores::create(as(owner));
  for (int i = 0; i < 10; ++i)
    t.insert("k" + std::to_string(i), i);
  auto even = [](const std::string&, int v) { return v % 2 == 0; };
  BOOST_TEST(t.select(even)->size() == 5u);
  BOOST_TEST(*t.select_count(even) == 5u);
  auto big = t.match_object([](int v) { return v >= 8; });
  std::sort(big->begin(), big->end());
  BOOST_TEST(*big == (std::vector<int>{8, 9}), boost::test_tools::per_element());
  BOOST_TEST(*t.foldl(0, [](int acc, const std::string&, int v) { return acc + v; }) == 45);
  BOOST_TEST(*t.select_delete(even) == 5u);
  BOOST_TEST(*t.size() == 5u);
  end(owner);
}

BOOST_AUTO_TEST_CASE(traverse_returns_every_key_once) {
  auto owner = spawn_idle();
  ets::table_options opts;
  opts.write_concurrency = true;
  auto t = *scores::create(as(owner), opts);
  for (int i = 0; i < 1000; ++i)
    t.insert(std::to_string(i), i);
  auto c = t.traverse();
  std::set<std::string> seen;
  std::size_t n = 0;
  while (auto k = *c.next()) {
    seen.insert(*k);
    ++n;
    // Writes during the traversal: neither duplicates nor losses of the
    // keys present throughout.
    t.erase("0");
    t.insert("new" + *k, 0);
  }
  BOOST_TEST(n == seen.size());
  for (int i = 1; i < 1000; ++i)
    BOOST_TEST(seen.count(std::to_string(i)) == 1u);
  end(owner);
}

BOOST_AUTO_TEST_CASE(info_describes_the_table) {
  auto owner = spawn_idle();
  auto heir = spawn_idle();
  ets::table_options opts;
  opts.name = "scores";
  opts.heir = heir;
  opts.access = ets::protection::public_access;
  auto t = *scores::create(as(owner), opts);
  t.insert("a", 1);
  auto info = *t.info();
  BOOST_TEST((info.kind == ets::kind::set));
  BOOST_TEST(info.size == 1u);
  BOOST_TEST(info.memory > 0u);
  BOOST_TEST(info.owner == owner);
  BOOST_TEST(info.heir == heir);
  BOOST_TEST((info.access == ets::protection::public_access));
  BOOST_TEST(info.name == "scores");
  end(owner);
  end(heir);
}

BOOST_AUTO_TEST_SUITE_END()
