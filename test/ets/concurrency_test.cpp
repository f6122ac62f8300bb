// The term store under real threads and actors at once, checked afterwards
// against what each of them did. Meant for ThreadSanitizer as much as for
// the invariants.

#include <atomic>
#include <thread>

#include "fixture.hpp"
#include "kintsugi/ets/ets.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

using counters = ets::set<int, long>;

constexpr int stable_keys = 500; // never written during the run
constexpr int hot_keys = 64;     // counters everybody updates
constexpr int rounds = 20000;

caf::behavior owner_actor(caf::event_based_actor*) {
  return {[](caf::ok_atom) {}};
}

// Bumps every hot counter `rounds` times from inside an actor.
caf::behavior bumper(caf::event_based_actor* self, counters t) {
  return {[=](caf::ok_atom) mutable {
    for (int i = 0; i < rounds; ++i)
      t.update_counter(i % hot_keys, 1);
    self->quit();
  }};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(concurrency, live_fixture)

BOOST_AUTO_TEST_CASE(threads_and_actors_at_once_keep_every_invariant) {
  auto owner = sys.spawn(owner_actor);
  auto self = dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(owner));
  ets::table_options opts;
  opts.access = ets::protection::public_access;
  opts.write_concurrency = true;
  opts.read_concurrency = true;
  auto t = *counters::create(self, opts);
  for (int k = 1000; k < 1000 + stable_keys; ++k)
    t.insert(k, k);
  std::atomic<int> violations{0};
  std::atomic<int> writing{2};
  std::vector<std::thread> threads;
  // Writers: counters, plus inserts and erases of churning keys.
  for (int w = 0; w < 2; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < rounds; ++i) {
        t.update_counter(i % hot_keys, 1);
        auto churn = 10000 + w * rounds + i;
        t.insert(churn, i);
        if (i % 2 == 0)
          t.erase(churn);
      }
      --writing;
    });
  // Traversers, for as long as the writers write: the stable keys come
  // exactly once in every traversal.
  for (int r = 0; r < 2; ++r)
    threads.emplace_back([&] {
      for (int pass = 0; pass == 0 || writing.load() > 0; ++pass) {
        std::vector<int> seen(stable_keys, 0);
        auto c = t.traverse();
        while (auto k = *c.next())
          if (*k >= 1000 && *k < 1000 + stable_keys)
            ++seen[*k - 1000];
        for (auto n : seen)
          if (n != 1)
            ++violations;
        auto sum = *t.foldl(0L, [](long acc, const int& k, const long&) {
          return k >= 1000 && k < 1000 + stable_keys ? acc + 1 : acc;
        });
        if (sum != stable_keys)
          ++violations;
      }
    });
  // Actors bumping the same counters.
  std::vector<caf::actor> bumpers;
  for (int a = 0; a < 2; ++a) {
    auto b = sys.spawn(bumper, t);
    bumpers.push_back(b);
    caf::anon_send(b, caf::ok_atom::value);
  }
  for (auto& th : threads)
    th.join();
  caf::scoped_actor waiter{sys};
  for (auto& b : bumpers)
    waiter->monitor(b);
  for (std::size_t i = 0; i < bumpers.size(); ++i)
    waiter->receive([](caf::down_msg&) {});
  BOOST_TEST(violations.load() == 0);
  // 2 threads and 2 actors, each `rounds` bumps spread over the hot keys.
  long total = 0;
  for (int k = 0; k < hot_keys; ++k)
    total += **t.lookup(k);
  BOOST_TEST(total == 4L * rounds);
  BOOST_TEST(*t.size() == std::size_t{hot_keys + stable_keys + rounds});
  caf::anon_send_exit(owner, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(an_ordered_set_under_writers_keeps_order_and_counts) {
  auto owner = sys.spawn(owner_actor);
  auto self = dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(owner));
  ets::table_options opts;
  opts.access = ets::protection::public_access;
  opts.write_concurrency = true; // base nodes split and join under the writers
  auto t = *ets::ordered_set<int, long>::create(self, opts);
  for (int k = 0; k < stable_keys; ++k)
    t.insert(k * 2, 0);
  std::atomic<int> violations{0};
  std::atomic<int> writing{2};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w)
    threads.emplace_back([&, w] {
      for (int i = 0; i < rounds; ++i) {
        auto odd = 2 * (i % stable_keys) + 1;
        t.insert(odd, w);
        t.erase(odd);
        t.update_counter(0, 1);
        if (i % 100 == 0) // a batch across the whole key range, then gone
          t.insert({{-1 - w, 0}, {odd, 0}, {4 * stable_keys + w, 0}});
        if (i % 100 == 50)
          t.select_delete(
            [](const int& k, const long&) { return k % 2 != 0 || k < 0 || k >= 2 * stable_keys; });
      }
      --writing;
    });
  threads.emplace_back([&] {
    for (int pass = 0; pass == 0 || writing.load() > 0; ++pass) {
      int evens = 0;
      std::optional<int> last;
      for (auto k = *t.first(); k; k = *t.next(*k)) {
        if (last && *k <= *last)
          ++violations;
        last = *k;
        evens += *k % 2 == 0 && *k >= 0 && *k < 2 * stable_keys ? 1 : 0;
      }
      if (evens != stable_keys)
        ++violations;
    }
  });
  for (auto& th : threads)
    th.join();
  BOOST_TEST(violations.load() == 0);
  BOOST_TEST(**t.lookup(0) == 2L * rounds);
  t.select_delete(
    [](const int& k, const long&) { return k % 2 != 0 || k < 0 || k >= 2 * stable_keys; });
  BOOST_TEST(*t.size() == std::size_t{stable_keys});
  caf::anon_send_exit(owner, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
