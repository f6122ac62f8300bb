#include <array>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

using strings = std::vector<std::string>;

child_spec named_child(std::string id, std::shared_ptr<kintsugi::registry> names,
                       std::string name) {
  auto spec = worker_child(std::move(id));
  spec.name = registered_name{std::move(names), std::move(name)};
  return spec;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(registry, fixture)

BOOST_AUTO_TEST_CASE(names_map_to_live_actors_and_are_released_when_they_end) {
  kintsugi::registry names;
  auto a = sys.spawn(worker);
  auto b = sys.spawn(worker);
  BOOST_TEST(!names.register_name("a", a));
  BOOST_TEST(*names.whereis("a") == a);
  // A taken name names its holder.
  auto taken = names.register_name("a", b);
  BOOST_TEST(taken == errc::already_registered);
  BOOST_TEST(taken.context().get_as<caf::actor>(1) == a);
  BOOST_TEST(names.whereis("zz").error() == errc::not_found);
  BOOST_TEST(names.register_name("", a) == errc::invalid_spec);
  BOOST_TEST(names.register_name("x", caf::actor{}) == errc::invalid_spec);
  // Released when its actor ends: the name is free again.
  crash(a);
  BOOST_TEST(names.whereis("a").error() == errc::not_found);
  BOOST_TEST(names.size() == 0u);
  BOOST_TEST(!names.register_name("a", b));
  BOOST_TEST(!names.unregister_name("a"));
  BOOST_TEST(names.unregister_name("a") == errc::not_found);
  crash(b);
}

BOOST_AUTO_TEST_CASE(an_actor_that_ended_is_never_returned) {
  kintsugi::registry names;
  auto a = sys.spawn(worker);
  BOOST_TEST(!names.register_name("a", a));
  caf::anon_send(a, crash_atom::value, caf::error{caf::sec::runtime_error});
  run();
  BOOST_TEST(is_dead(a));
  BOOST_TEST(names.whereis("a").error() == errc::not_found);
  // Registering a dead actor is refused (Erlang's register/2: badarg).
  BOOST_TEST(names.register_name("late", a) == errc::invalid_spec);
  BOOST_TEST(names.whereis("late").error() == errc::not_found);
  BOOST_TEST(names.size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_named_child_is_found_by_name_again_after_a_restart) {
  auto names = std::make_shared<kintsugi::registry>();
  auto sup = spawn_sup(flags(), {named_child("game", names, "Kusama")});
  auto first = names->whereis("Kusama");
  BOOST_REQUIRE(first);
  BOOST_TEST(*first == child(sup, "game"));
  // Step until the child has ended, before the supervisor restarts it.
  caf::anon_send(*first, crash_atom::value, caf::error{caf::sec::runtime_error});
  while (!is_dead(*first))
    sched.run_once();
  BOOST_TEST(names->whereis("Kusama").error() == errc::not_found);
  auto second = await_name(*names, "Kusama", *first);
  BOOST_TEST(second == child(sup, "game"));
  BOOST_TEST(!send_by_name(*names, "Kusama", ping_atom::value));
  BOOST_TEST(send_by_name(*names, "Nobody", ping_atom::value) == errc::not_found);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  BOOST_TEST(names->size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_start_whose_name_is_taken_fails) {
  auto names = std::make_shared<kintsugi::registry>();
  auto squatter = sys.spawn(worker);
  BOOST_TEST(!names->register_name("Kusama", squatter));
  auto sup = spawn_sup(flags(), {worker_child("a")});
  auto got = call<caf::actor>(sup, start_child_atom::value, named_child("game", names, "Kusama"));
  BOOST_TEST(got.error() == errc::start_failed);
  BOOST_TEST(render(got.error()).find("already_registered") != std::string::npos,
             render(got.error()));
  BOOST_TEST(*names->whereis("Kusama") == squatter);
  BOOST_TEST(running_ids(sup) == strings{"a"});
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  crash(squatter);
}

BOOST_AUTO_TEST_CASE(a_spec_with_an_incomplete_name_is_invalid) {
  auto spec = worker_child("a");
  spec.name = registered_name{nullptr, "x"};
  BOOST_TEST(validate(spec) == errc::invalid_spec);
  spec.name = registered_name{std::make_shared<kintsugi::registry>(), ""};
  BOOST_TEST(validate(spec) == errc::invalid_spec);
}

BOOST_AUTO_TEST_CASE(concurrent_lookups_see_only_the_right_holders) {
  // Reader threads look names up while the holders of those names end and new
  // actors take them. A reader must only ever get an actor that was registered
  // under the name it asked for; once the holders of a round have ended, no
  // name may be found (run under ThreadSanitizer in CI, too).
  kintsugi::registry names;
  constexpr int rounds = 200;
  constexpr int keys = 4;
  std::mutex ids_mtx;
  std::array<std::set<caf::actor_id>, keys> ids_of;
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::atomic<long> found{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t)
    readers.emplace_back([&] {
      while (!done.load()) {
        for (int k = 0; k < keys; ++k) {
          auto x = names.whereis("n" + std::to_string(k));
          if (!x)
            continue;
          ++found;
          std::lock_guard<std::mutex> guard{ids_mtx};
          if (ids_of[k].count(x->id()) == 0)
            ++wrong;
        }
      }
    });
  int left_behind = 0;
  for (int r = 0; r < rounds; ++r) {
    std::vector<caf::actor> holders;
    for (int k = 0; k < keys; ++k) {
      auto a = sys.spawn(worker);
      {
        std::lock_guard<std::mutex> guard{ids_mtx};
        ids_of[k].insert(a.id());
      }
      BOOST_REQUIRE(!names.register_name("n" + std::to_string(k), a));
      holders.push_back(a);
    }
    run();
    for (auto& a : holders)
      caf::anon_send(a, crash_atom::value, caf::error{});
    run();
    for (int k = 0; k < keys; ++k)
      if (names.whereis("n" + std::to_string(k)))
        ++left_behind;
  }
  done = true;
  for (auto& t : readers)
    t.join();
  BOOST_TEST(wrong.load() == 0);
  BOOST_TEST(left_behind == 0);
  BOOST_TEST(names.size() == 0u);
  BOOST_TEST_MESSAGE(found.load() << " concurrent lookups found a holder");
}

BOOST_AUTO_TEST_SUITE_END()
