#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

using strings = std::vector<std::string>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;

// Traps the shutdown exit and ends only when told to (an orderly but slow
// cleanup), so that `infinity` can be seen to wait.
caf::behavior slow_cleanup_worker(caf::event_based_actor* self) {
  self->set_exit_handler([](caf::exit_msg&) {});
  return {[self](finish_atom) { self->quit(caf::exit_reason::user_shutdown); }};
}

// Records "id:exit reason" of the actor the spec's start spawns.
child_spec recorded(std::string id, caf::behavior (*fun)(caf::event_based_actor*),
                    std::shared_ptr<strings> log) {
  return logged_child(std::move(id), std::move(log), fun, true);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(shutdown, fixture)

BOOST_AUTO_TEST_CASE(children_stop_in_reverse_start_order_each_by_its_policy) {
  auto log = std::make_shared<strings>();
  auto a = recorded("a", worker, log);
  auto b = recorded("b", worker, log);
  b.shutdown = shutdown_policy::brutal_kill();
  auto c = recorded("c", worker, log);
  c.shutdown = shutdown_policy::infinity();
  auto sup = spawn_sup(flags(), {a, b, c});
  self->monitor(sup);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  BOOST_TEST(*log
               == (strings{"c:exit_reason(user_shutdown)", "b:exit_reason(kill)",
                           "a:exit_reason(user_shutdown)"}),
             boost::test_tools::per_element());
  self->receive(
    [](caf::down_msg& down) { BOOST_TEST(down.reason == caf::exit_reason::user_shutdown); });
}

BOOST_AUTO_TEST_CASE(brutal_kill_ends_a_child_that_traps_exits_at_once) {
  auto log = std::make_shared<strings>();
  auto spec = recorded("s", stubborn_worker, log);
  spec.shutdown = shutdown_policy::brutal_kill();
  auto sup = spawn_sup(flags(), {spec});
  BOOST_TEST(succeeded(call<caf::unit_t>(sup, terminate_child_atom::value, std::string{"s"})));
  BOOST_TEST(*log == strings{"s:exit_reason(kill)"});
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_timeout_kills_a_child_that_ignores_the_shutdown) {
  auto log = std::make_shared<strings>();
  auto spec = recorded("s", stubborn_worker, log);
  spec.shutdown = shutdown_policy::timeout(500ms);
  auto sup = spawn_sup(flags(), {spec});
  auto s = child(sup, "s");
  auto handle = self->request(sup, caf::infinite, terminate_child_atom::value, std::string{"s"});
  run();
  BOOST_TEST(!is_dead(s));
  sched.advance_time(499ms);
  run();
  BOOST_TEST(!is_dead(s)); // virtual time: nothing fires early
  sched.advance_time(1ms);
  run();
  BOOST_TEST(is_dead(s));
  BOOST_TEST(*log == strings{"s:exit_reason(kill)"});
  handle.receive([] {}, [](caf::error& err) { BOOST_FAIL(render(err)); });
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_shorter_timeout_after_a_longer_one_still_fires_on_time) {
  auto log = std::make_shared<strings>();
  auto b = recorded("b", stubborn_worker, log);
  b.shutdown = shutdown_policy::timeout(100ms);
  auto a = recorded("a", worker, log);
  a.shutdown = shutdown_policy::timeout(1000ms);
  auto sup = spawn_sup(flags(), {b, a});
  // a stops first (reverse order) and leaves a timer for 1000 ms behind.
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  BOOST_TEST(*log == strings{"a:exit_reason(user_shutdown)"});
  sched.advance_time(99ms);
  run();
  BOOST_TEST(log->size() == 1u);
  sched.advance_time(1ms);
  run();
  BOOST_TEST(*log == (strings{"a:exit_reason(user_shutdown)", "b:exit_reason(kill)"}),
             boost::test_tools::per_element());
  BOOST_TEST(is_dead(sup));
  sched.advance_time(1s); // the stale 1000 ms timer finds nothing to do
  run();
}

BOOST_AUTO_TEST_CASE(a_child_that_ends_within_its_timeout_is_not_killed) {
  auto log = std::make_shared<strings>();
  auto spec = recorded("s", slow_cleanup_worker, log);
  spec.shutdown = shutdown_policy::timeout(500ms);
  auto sup = spawn_sup(flags(), {spec});
  auto s = child(sup, "s");
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  sched.advance_time(400ms);
  caf::anon_send(s, finish_atom::value);
  run();
  BOOST_TEST(*log == strings{"s:exit_reason(user_shutdown)"});
  BOOST_TEST(is_dead(sup));
  sched.advance_time(200ms); // the stale timeout finds nothing to kill
  run();
}

BOOST_AUTO_TEST_CASE(infinity_waits_for_the_child_however_long) {
  auto log = std::make_shared<strings>();
  auto spec = recorded("s", slow_cleanup_worker, log);
  spec.shutdown = shutdown_policy::infinity();
  auto sup = spawn_sup(flags(), {spec});
  auto s = child(sup, "s");
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  sched.advance_time(std::chrono::hours{24});
  run();
  BOOST_TEST(!is_dead(s));
  BOOST_TEST(!is_dead(sup));
  caf::anon_send(s, finish_atom::value);
  run();
  BOOST_TEST(is_dead(sup));
  BOOST_TEST(*log == strings{"s:exit_reason(user_shutdown)"});
}

BOOST_AUTO_TEST_CASE(a_stopping_supervisor_refuses_management_calls) {
  auto spec = recorded("s", slow_cleanup_worker, std::make_shared<strings>());
  spec.shutdown = shutdown_policy::infinity();
  auto sup = spawn_sup(flags(), {spec});
  auto s = child(sup, "s");
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  auto got = call<std::vector<child_info>>(sup, which_children_atom::value);
  BOOST_TEST(got.error() == errc::supervisor_stopping);
  auto started = call<caf::actor>(sup, start_child_atom::value, worker_child("late"));
  BOOST_TEST(started.error() == errc::supervisor_stopping);
  caf::anon_send(s, finish_atom::value);
}

BOOST_AUTO_TEST_SUITE_END()
