// Bad input at every entry point of the runtime: each answers with a clear
// error and changes nothing, never a crash or a hang. The cases other suites
// already cover are named in the README (Reliability); these are the rest.

#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

// Far beyond any real wait; past it, the clock's arithmetic would overflow.
constexpr auto absurd = std::chrono::milliseconds::max();

bool mentions(const caf::error& err, const std::string& text) {
  return render(err).find(text) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_FIXTURE_TEST_CASE(absurd_and_negative_timeouts_are_refused_in_specs_and_flags, fixture) {
  auto spec = worker_child("w");
  spec.shutdown = shutdown_policy::timeout(absurd);
  BOOST_TEST(validate(spec) == errc::invalid_spec);
  BOOST_TEST(mentions(validate(spec), "infinity"));
  spec.shutdown = shutdown_policy::timeout(-1ms);
  BOOST_TEST(validate(spec) == errc::invalid_spec);
  auto f = flags();
  f.period = absurd;
  BOOST_TEST(validate(f) == errc::invalid_spec);
  f.period = 0ms;
  BOOST_TEST(validate(f) == errc::invalid_spec);
  auto d = dynamic_flags();
  d.period = absurd;
  BOOST_TEST(validate(d) == errc::invalid_spec);
  d.intensity = -1;
  BOOST_TEST(validate(d) == errc::invalid_spec);
}

BOOST_FIXTURE_TEST_CASE(a_supervisor_refuses_bad_children_and_keeps_running, fixture) {
  auto sup = spawn_sup(flags(), {worker_child("a")});
  auto a = child(sup, "a");
  auto empty = worker_child("");
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, empty).error() == errc::invalid_spec);
  auto no_start = worker_child("b");
  no_start.start = nullptr;
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, no_start).error()
             == errc::invalid_spec);
  auto slow = worker_child("c");
  slow.shutdown = shutdown_policy::timeout(absurd);
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, slow).error() == errc::invalid_spec);
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, worker_child("a")).error()
             == errc::already_started);
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, std::string{}).error()
             == errc::not_found);
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, std::string{"nobody"}).error()
             == errc::not_found);
  // Nothing changed: the one child runs as before.
  BOOST_TEST(running_ids(sup) == std::vector<std::string>{"a"});
  BOOST_TEST(child(sup, "a") == a);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
}

BOOST_FIXTURE_TEST_CASE(a_dynamic_supervisor_refuses_strangers_and_dead_children, fixture) {
  auto sup = spawn_dynamic_sup(dynamic_flags());
  auto a = *call<caf::actor>(sup, start_child_atom::value, worker_child("a"));
  auto stranger = sys.spawn(worker);
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, stranger).error()
             == errc::not_found);
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, caf::actor{}).error()
             == errc::not_found);
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, worker_child("")).error()
             == errc::invalid_spec);
  // Without a template, extra arguments alone cannot start a child.
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, caf::make_message(1)).error()
             == errc::not_supported);
  BOOST_TEST(succeeded(call<caf::unit_t>(sup, terminate_child_atom::value, a)));
  // a is gone now: a second terminate names a dead actor.
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, a).error() == errc::not_found);
  BOOST_TEST(children(sup).empty());
  self->send_exit(stranger, caf::exit_reason::user_shutdown);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
}

BOOST_FIXTURE_TEST_CASE(no_children_are_allowed_when_max_children_is_zero, fixture) {
  auto f = dynamic_flags();
  f.max_children = 0;
  auto sup = spawn_dynamic_sup(f);
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, worker_child("a")).error()
             == errc::max_children);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
}

// The blocking helpers, on a real scheduler.

BOOST_FIXTURE_TEST_CASE(blocking_calls_refuse_bad_timeouts_at_once, live_fixture) {
  auto sup = start_supervisor(sys, flags, {worker_child("a")});
  BOOST_REQUIRE(sup);
  BOOST_TEST(which_children(*sup, -1ms).error() == caf::sec::invalid_argument);
  BOOST_TEST(which_children(*sup, absurd).error() == caf::sec::invalid_argument);
  BOOST_TEST(call<pong_atom>(*sup, -5ms, ping_atom::value).error() == caf::sec::invalid_argument);
  BOOST_TEST(!stop(*sup, caf::exit_reason::user_shutdown));
}

BOOST_FIXTURE_TEST_CASE(helpers_on_a_supervisor_that_ended_fail_at_once, live_fixture) {
  auto sup = start_supervisor(sys, flags, {worker_child("a")});
  BOOST_REQUIRE(sup);
  BOOST_TEST(!stop(*sup, caf::exit_reason::user_shutdown));
  // A day of timeout: the answer must come from the dead actor, not the clock.
  constexpr auto day = std::chrono::milliseconds{std::chrono::hours{24}};
  BOOST_TEST(which_children(*sup, day).error() == caf::sec::request_receiver_down);
  BOOST_TEST(start_child(*sup, worker_child("b"), day).error() == caf::sec::request_receiver_down);
  BOOST_TEST(terminate_child(*sup, "a", day) == caf::sec::request_receiver_down);
  BOOST_TEST(stop(*sup, caf::exit_reason::user_shutdown, day) == caf::sec::request_receiver_down);
}

BOOST_AUTO_TEST_CASE(render_spells_registered_categories_and_survives_unknown_codes) {
  auto category = caf::atom("k_testcat");
  caf::error boom{uint8_t{1}, category, caf::make_message(std::string{"why"})};
  caf::error other{uint8_t{2}, category};
  BOOST_TEST(render(boom) == caf::to_string(boom)); // not registered yet
  add_error_category(category, "test::", [](uint8_t code) noexcept -> const char* {
    return code == 1 ? "boom" : nullptr;
  });
  BOOST_TEST(render(boom) == "test::boom: why");
  BOOST_TEST(render(other) == "test::unknown");
  add_error_category(category, "again::", [](uint8_t) noexcept -> const char* { return "x"; });
  BOOST_TEST(render(other) == "again::x"); // registering again replaces
}

BOOST_AUTO_TEST_SUITE_END()
