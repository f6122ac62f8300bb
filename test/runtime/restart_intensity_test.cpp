#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(restart_intensity, fixture)

BOOST_AUTO_TEST_CASE(allows_intensity_restarts_within_the_period) {
  kintsugi::restart_intensity counter{3, 5s};
  kintsugi::restart_intensity::time_point t0{};
  BOOST_TEST(counter.record(t0));
  BOOST_TEST(counter.record(t0 + 1s));
  BOOST_TEST(counter.record(t0 + 2s));
  BOOST_TEST(!counter.record(t0 + 3s));
}

BOOST_AUTO_TEST_CASE(forgets_restarts_older_than_the_period) {
  kintsugi::restart_intensity counter{2, 5s};
  kintsugi::restart_intensity::time_point t0{};
  BOOST_TEST(counter.record(t0));
  BOOST_TEST(counter.record(t0 + 4s));
  BOOST_TEST(counter.record(t0 + 5s)); // t0 left the window
  BOOST_TEST(counter.recent() == 2u);
  BOOST_TEST(!counter.record(t0 + 6s));
}

BOOST_AUTO_TEST_CASE(intensity_zero_gives_up_on_the_first_restart) {
  kintsugi::restart_intensity counter{0, 5s};
  BOOST_TEST(!counter.record(kintsugi::restart_intensity::time_point{}));
}

BOOST_AUTO_TEST_CASE(a_supervisor_gives_up_after_too_many_restarts_in_the_period) {
  auto sup = spawn_sup(flags(one_for_one(), 2, 5s), {worker_child("a"), worker_child("b")});
  self->monitor(sup);
  auto b = child(sup, "b");
  crash(child(sup, "a"));
  sched.advance_time(1s);
  crash(child(sup, "a"));
  BOOST_TEST(running_ids(sup).size() == 2u); // two restarts: still within the intensity
  take_reports();
  crash(child(sup, "a"));
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; });
  BOOST_TEST(reason == errc::reached_max_restart_intensity);
  BOOST_TEST(is_dead(b)); // it shut its children down before it exited
  BOOST_TEST(
    take_reports()
      == (std::vector<std::string>{"child_exited:a", "intensity_reached:", "supervisor_stopping:"}),
    boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(restarts_spread_past_the_period_never_give_up) {
  auto sup = spawn_sup(flags(one_for_one(), 2, 5s), {worker_child("a")});
  for (int i = 0; i < 10; ++i) {
    crash(child(sup, "a"));
    sched.advance_time(3s);
  }
  BOOST_TEST(running_ids(sup) == std::vector<std::string>{"a"});
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(intensity_zero_gives_up_at_the_first_failure) {
  auto sup = spawn_sup(flags(one_for_one(), 0, 5s), {worker_child("a")});
  self->monitor(sup);
  crash(child(sup, "a"));
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; });
  BOOST_TEST(reason == errc::reached_max_restart_intensity);
}

BOOST_AUTO_TEST_SUITE_END()
