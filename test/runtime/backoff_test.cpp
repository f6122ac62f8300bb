#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

restart_backoff curve(std::chrono::milliseconds min, std::chrono::milliseconds max,
                      double jitter = 0.0, std::chrono::milliseconds reset_after = 1s) {
  restart_backoff b;
  b.min = min;
  b.max = max;
  b.multiplier = 2.0;
  b.jitter = jitter;
  b.reset_after = reset_after;
  return b;
}

struct backoff_fixture : fixture {
  // Moves the virtual clock a millisecond at a time until `live()` answers
  // an actor other than `old`, and says how long that took; fails the test
  // after `limit`.
  template <class Live>
  std::chrono::milliseconds
  time_to_restart(Live live, const caf::actor& old, std::chrono::milliseconds limit = 10s) {
    run();
    std::chrono::milliseconds waited{0};
    for (;;) {
      auto now = live();
      if (now && now != old)
        return waited;
      BOOST_REQUIRE_MESSAGE(waited < limit, "no restart within " << limit.count() << " ms");
      sched.advance_time(1ms);
      run();
      waited += 1ms;
    }
  }

  std::chrono::milliseconds static_restart(const caf::actor& sup, const std::string& id) {
    auto old = child(sup, id);
    crash(old);
    return time_to_restart([&] { return child(sup, id); }, old);
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(backoff)

BOOST_AUTO_TEST_CASE(the_delay_grows_by_the_multiplier_up_to_max_and_jitter_stretches_it) {
  auto b = curve(100ms, 1000ms);
  std::vector<long> delays;
  for (unsigned n = 0; n < 6; ++n)
    delays.push_back(b.delay(n, 0.0).count());
  BOOST_TEST(delays == (std::vector<long>{100, 200, 400, 800, 1000, 1000}),
             boost::test_tools::per_element());
  BOOST_TEST(b.delay(1'000'000, 0.0).count() == 1000);
  b.jitter = 0.5;
  BOOST_TEST(b.delay(0, 0.0).count() == 100);
  BOOST_TEST(b.delay(0, 0.5).count() == 125);
  BOOST_TEST(b.delay(4, 0.999).count() == 1499);
}

BOOST_AUTO_TEST_CASE(a_spec_with_a_bad_backoff_is_refused_with_the_reason) {
  auto with = [](restart_backoff b) {
    auto spec = worker_child("w");
    spec.backoff = b;
    return validate(spec);
  };
  BOOST_TEST(!with(curve(100ms, 1000ms)));
  auto reversed = curve(2s, 1s);
  BOOST_TEST(with(reversed) == errc::invalid_spec);
  BOOST_TEST(render(with(reversed)).find("min is longer than its max") != std::string::npos);
  auto negative = curve(-1ms, 1s);
  BOOST_TEST(with(negative) == errc::invalid_spec);
  auto shrinking = curve(1ms, 1s);
  shrinking.multiplier = 0.5;
  BOOST_TEST(with(shrinking) == errc::invalid_spec);
  shrinking.multiplier = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(with(shrinking) == errc::invalid_spec);
  auto wild = curve(1ms, 1s);
  wild.jitter = 1.5;
  BOOST_TEST(with(wild) == errc::invalid_spec);
  auto forever = curve(1ms, std::chrono::hours{24 * 365 * 200});
  BOOST_TEST(with(forever) == errc::invalid_spec);
}

BOOST_FIXTURE_TEST_CASE(restarts_follow_the_curve_and_start_over_after_a_stable_run,
                        backoff_fixture) {
  auto spec = worker_child("feed");
  spec.backoff = curve(100ms, 400ms);
  auto sup = spawn_sup(flags(one_for_one(), 100, 60s), {spec});
  std::vector<long> waited;
  for (int i = 0; i < 5; ++i)
    waited.push_back(static_restart(sup, "feed").count());
  BOOST_TEST(waited == (std::vector<long>{100, 200, 400, 400, 400}),
             boost::test_tools::per_element());
  // Up for reset_after (1 s): the next restart waits min again.
  sched.advance_time(1s);
  run();
  BOOST_TEST(static_restart(sup, "feed").count() == 100);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_waiting_child_is_restarting_and_calls_are_answered, backoff_fixture) {
  auto spec = worker_child("feed");
  spec.backoff = curve(500ms, 500ms);
  auto sup = spawn_sup(flags(), {spec, worker_child("other")});
  take_reports();
  crash(child(sup, "feed"));
  auto infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 2u);
  BOOST_TEST(infos[0].status == child_info::state::restarting);
  BOOST_TEST(!infos[0].actor);
  BOOST_TEST(infos[1].status == child_info::state::running);
  BOOST_TEST(call<caf::actor>(sup, restart_child_atom::value, std::string{"feed"}).error()
             == errc::restarting);
  BOOST_TEST(call<child_counts>(sup, count_children_atom::value)->active == 1u);
  BOOST_TEST(take_reports() == (std::vector<std::string>{"child_exited:feed"}),
             boost::test_tools::per_element());
  sched.advance_time(500ms);
  run();
  BOOST_TEST(children(sup)[0].status == child_info::state::running);
  BOOST_TEST(take_reports() == (std::vector<std::string>{"child_restarted:feed"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(terminate_child_cancels_a_waiting_restart, backoff_fixture) {
  auto spec = worker_child("feed");
  spec.backoff = curve(500ms, 500ms);
  auto sup = spawn_sup(flags(), {spec});
  crash(child(sup, "feed"));
  BOOST_TEST(succeeded(call<caf::unit_t>(sup, terminate_child_atom::value, std::string{"feed"})));
  sched.advance_time(1s);
  run();
  BOOST_TEST(children(sup)[0].status == child_info::state::undefined);
  BOOST_TEST(succeeded(call<caf::actor>(sup, restart_child_atom::value, std::string{"feed"})));
  BOOST_TEST(children(sup)[0].status == child_info::state::running);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(the_intensity_counts_delayed_restarts, backoff_fixture) {
  auto spec = worker_child("feed");
  spec.backoff = curve(100ms, 100ms);
  auto sup = spawn_sup(flags(one_for_one(), 2, 60s), {spec});
  self->monitor(sup);
  static_restart(sup, "feed");
  static_restart(sup, "feed");
  crash(child(sup, "feed"));
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; });
  BOOST_TEST(reason == errc::reached_max_restart_intensity);
  BOOST_TEST(running_actors() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_failed_restart_attempt_waits_for_the_next_delay, backoff_fixture) {
  auto starts = std::make_shared<int>(0);
  auto spec = worker_child("flaky");
  spec.backoff = curve(100ms, 1000ms);
  spec.start = [starts](start_context& ctx) -> start_result {
    // The first start works, the next two fail, the fourth works.
    auto n = ++*starts;
    if (n == 2 || n == 3)
      return caf::make_error(caf::sec::runtime_error, "database busy");
    return ctx.spawn(worker);
  };
  auto sup = spawn_sup(flags(one_for_one(), 10, 60s), {spec});
  // 100 ms to the first attempt, which fails; 200 more to the second, which
  // fails; 400 more to the third.
  BOOST_TEST(static_restart(sup, "flaky").count() == 700);
  BOOST_TEST(*starts == 4);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(one_for_all_stops_and_starts_the_siblings_when_the_delay_has_passed,
                        backoff_fixture) {
  auto spec = worker_child("a");
  spec.backoff = curve(300ms, 300ms);
  auto sup = spawn_sup(flags(one_for_all()), {spec, worker_child("b")});
  auto b = child(sup, "b");
  crash(child(sup, "a"));
  BOOST_TEST(child(sup, "b") == b);
  sched.advance_time(300ms);
  run();
  BOOST_TEST(is_dead(b));
  BOOST_TEST((running_ids(sup) == std::vector<std::string>{"a", "b"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(jitter_keeps_a_delay_between_the_curve_and_jitter_above_it,
                        backoff_fixture) {
  auto spec = worker_child("feed");
  spec.backoff = curve(200ms, 200ms, 0.5);
  auto sup = spawn_sup(flags(one_for_one(), 100, 60s), {spec});
  for (int i = 0; i < 5; ++i) {
    auto waited = static_restart(sup, "feed");
    BOOST_TEST(waited.count() >= 200);
    BOOST_TEST(waited.count() <= 300);
  }
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_dynamic_child_waits_its_delay_listed_as_restarting, backoff_fixture) {
  auto spec = worker_child("game");
  spec.backoff = curve(100ms, 400ms);
  auto sup = spawn_dynamic_sup(dynamic_flags(100, 60s));
  auto first = *call<caf::actor>(sup, start_child_atom::value, spec);
  auto only_child = [&] {
    auto infos = children(sup);
    return infos.size() == 1 ? infos[0].actor : caf::actor{};
  };
  std::vector<long> waited;
  auto old = first;
  for (int i = 0; i < 4; ++i) {
    crash(old);
    auto infos = children(sup);
    BOOST_REQUIRE_EQUAL(infos.size(), 1u);
    BOOST_TEST(infos[0].status == child_info::state::restarting);
    BOOST_TEST(call<child_counts>(sup, count_children_atom::value)->specs == 1u);
    waited.push_back(time_to_restart(only_child, old).count());
    old = only_child();
  }
  BOOST_TEST(waited == (std::vector<long>{100, 200, 400, 400}), boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
