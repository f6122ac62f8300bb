#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

using strings = std::vector<std::string>;

caf::error down_reason(caf::scoped_actor& self) {
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; });
  return reason;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(supervisor, fixture)

BOOST_AUTO_TEST_CASE(starts_children_in_order_and_answers_ready_when_all_are_up) {
  auto sup = spawn_sup(flags(), {worker_child("a"), worker_child("b"), worker_child("c")});
  BOOST_TEST(take_reports() == (strings{"child_started:a", "child_started:b", "child_started:c"}),
             boost::test_tools::per_element());
  BOOST_TEST(succeeded(call<caf::ok_atom>(sup, ready_atom::value)));
  BOOST_TEST(running_ids(sup) == (strings{"a", "b", "c"}), boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_boot_failure_stops_the_started_children_in_reverse_and_names_the_child) {
  auto log = std::make_shared<strings>();
  auto bad = worker_child("c");
  bad.start = failing_start(caf::make_error(caf::sec::runtime_error, "no database"));
  auto sup = spawn_supervisor(
    sys, flags(), {logged_child("a", log), logged_child("b", log), bad, logged_child("d", log)});
  self->monitor(sup);
  auto ready = self->request(sup, caf::infinite, ready_atom::value);
  run();
  caf::error reply;
  ready.receive([](caf::ok_atom) {}, [&](caf::error& err) { reply = err; });
  auto reason = down_reason(self);
  BOOST_TEST(reason == errc::start_failed);
  BOOST_TEST(reply == errc::start_failed);
  BOOST_TEST(render(reason).find("\"c\"") != std::string::npos, render(reason));
  BOOST_TEST(render(reason).find("no database") != std::string::npos, render(reason));
  BOOST_TEST(*log == (strings{"b", "a"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_child_that_dies_during_init_fails_the_start) {
  auto sup = spawn_supervisor(sys, flags(), {worker_spec("bad", failing_worker)});
  self->monitor(sup);
  run();
  auto reason = down_reason(self);
  BOOST_TEST(reason == errc::start_failed);
  BOOST_TEST(render(reason).find("child \"bad\": system_error(runtime_error") != std::string::npos,
             render(reason));
  BOOST_TEST(render(reason).find("cannot initialise") != std::string::npos, render(reason));
}

BOOST_AUTO_TEST_CASE(ignore_keeps_the_spec_without_an_actor_except_for_temporary_children) {
  auto kept = worker_child("kept");
  kept.start = ignoring_start();
  auto dropped = worker_child("dropped", restart_type::temporary);
  dropped.start = ignoring_start();
  auto sup = spawn_sup(flags(), {kept, dropped, worker_child("a")});
  auto infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 2u);
  BOOST_TEST(infos[0].id == "kept");
  BOOST_TEST(infos[0].status == child_info::state::undefined);
  BOOST_TEST(!infos[0].actor);
  BOOST_TEST(infos[1].id == "a");
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(permanent_children_are_restarted_after_any_exit) {
  auto sup = spawn_sup(flags(one_for_one(), 10), {worker_child("p")});
  auto first = child(sup, "p");
  end_normally(first);
  auto second = child(sup, "p");
  BOOST_TEST(second);
  BOOST_TEST(second != first);
  crash(second, caf::sec::runtime_error);
  BOOST_TEST(child(sup, "p"));
  BOOST_TEST(child(sup, "p") != second);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(transient_children_are_restarted_only_after_an_abnormal_exit) {
  auto sup = spawn_sup(flags(one_for_one(), 10), {worker_child("n", restart_type::transient),
                                                  worker_child("s", restart_type::transient),
                                                  worker_child("t", restart_type::transient),
                                                  worker_child("x", restart_type::transient),
                                                  worker_child("e", restart_type::transient)});
  end_normally(child(sup, "n"));                           // normal
  crash(child(sup, "s"), caf::exit_reason::user_shutdown); // shutdown
  crash(child(sup, "t"), shutdown_reason("done"));         // {shutdown, Term}
  auto x = child(sup, "x");
  crash(x, caf::sec::runtime_error); // abnormal
  auto e = child(sup, "e");
  take_reports();
  caf::anon_send(e, throw_atom::value); // uncaught exception
  run();
  auto exited = first_report(report_kind::child_exited);
  BOOST_TEST(exited.reason == caf::sec::runtime_error);
  BOOST_TEST(render(exited.reason).find("thrown on request") != std::string::npos,
             render(exited.reason));
  auto infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 5u); // transient specs are kept
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(infos[i].status == child_info::state::undefined, infos[i].id);
  BOOST_TEST(infos[3].status == child_info::state::running);
  BOOST_TEST(infos[3].actor != x);
  BOOST_TEST(infos[4].status == child_info::state::running);
  BOOST_TEST(infos[4].actor != e);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(temporary_children_are_never_restarted_and_forgotten) {
  auto sup = spawn_sup(flags(), {worker_child("n", restart_type::temporary),
                                 worker_child("x", restart_type::temporary), worker_child("p")});
  end_normally(child(sup, "n"));
  crash(child(sup, "x"), caf::sec::runtime_error);
  BOOST_TEST(running_ids(sup) == strings{"p"});
  BOOST_TEST(children(sup).size() == 1u);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_third_party_kill_of_a_child_does_not_reach_the_supervisor) {
  auto sup = spawn_sup(flags(), {worker_child("a")});
  auto a = child(sup, "a");
  take_reports();
  caf::anon_send_exit(a, caf::exit_reason::kill);
  run();
  BOOST_TEST(!is_dead(sup));
  // The report names the actor that ended and its reason.
  auto exited = first_report(report_kind::child_exited);
  BOOST_TEST((exited.child == a.address()));
  BOOST_TEST(exited.reason == caf::exit_reason::kill);
  BOOST_TEST(child(sup, "a") != a);
  BOOST_TEST(child(sup, "a"));
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(children_never_outlive_a_killed_supervisor) {
  auto sup = spawn_sup(flags(), {worker_child("a"), worker_child("b"),
                                 supervisor_spec("nested", flags(), {worker_child("n")})});
  auto a = child(sup, "a");
  auto nested = child(sup, "nested");
  auto n = child(nested, "n");
  caf::anon_send_exit(sup, caf::exit_reason::kill);
  run();
  BOOST_TEST(is_dead(sup));
  BOOST_TEST(is_dead(a));
  BOOST_TEST(is_dead(nested));
  BOOST_TEST(is_dead(n));
}

BOOST_AUTO_TEST_CASE(children_never_outlive_a_crashed_supervisor) {
  // A custom strategy that throws makes the supervisor itself fail.
  class broken : public restart_strategy {
  public:
    std::string_view name() const noexcept override {
      return "broken";
    }
    restart_plan plan(const child_list&, std::size_t) const override {
      throw std::logic_error("broken strategy");
    }
  };
  auto sup = spawn_sup(flags(std::make_shared<broken>()), {worker_child("a"), worker_child("b")});
  self->monitor(sup);
  auto b = child(sup, "b");
  crash(child(sup, "a"));
  auto reason = down_reason(self);
  BOOST_TEST(reason == caf::sec::runtime_error);
  BOOST_TEST(is_dead(b));
}

BOOST_AUTO_TEST_CASE(a_failed_restart_is_retried_without_blocking_the_mailbox) {
  // The start fails while `failing` is set; each attempt counts as a restart.
  auto failing = std::make_shared<bool>(false);
  auto attempts = std::make_shared<int>(0);
  auto spec = worker_child("flaky");
  spec.start = [failing, attempts](start_context& ctx) -> start_result {
    ++*attempts;
    if (*failing)
      return caf::make_error(caf::sec::runtime_error, "not yet");
    return ctx.spawn(worker);
  };
  auto sup = spawn_sup(flags(one_for_one(), 10), {spec, worker_child("other")});
  *failing = true;
  *attempts = 0;
  caf::anon_send(child(sup, "flaky"), crash_atom::value, caf::error{caf::sec::runtime_error});
  // Run step by step: between two attempts, management calls are answered.
  while (*attempts < 3)
    sched.run_once();
  auto handle = self->request(sup, caf::infinite, which_children_atom::value);
  while (self->mailbox().empty())
    sched.run_once();
  std::vector<child_info> infos;
  handle.receive([&](std::vector<child_info>& xs) { infos = std::move(xs); },
                 [](caf::error& err) { BOOST_FAIL(render(err)); });
  BOOST_TEST(*attempts < 6); // answered while attempts went on
  BOOST_REQUIRE_EQUAL(infos.size(), 2u);
  BOOST_TEST(infos[0].status == child_info::state::restarting);
  BOOST_TEST(infos[1].status == child_info::state::running);
  *failing = false;
  run();
  BOOST_TEST(running_ids(sup) == (strings{"flaky", "other"}), boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(restart_attempts_that_keep_failing_exhaust_the_intensity) {
  auto spec = worker_child("doomed");
  auto started = std::make_shared<bool>(false);
  spec.start = [started](start_context& ctx) -> start_result {
    if (*started)
      return caf::make_error(caf::sec::runtime_error, "gone for good");
    *started = true;
    return ctx.spawn(worker);
  };
  auto sup = spawn_sup(flags(one_for_one(), 3), {spec});
  self->monitor(sup);
  crash(child(sup, "doomed"));
  BOOST_TEST(down_reason(self) == errc::reached_max_restart_intensity);
  auto kinds = take_reports();
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "start_failed:doomed") == 3);
}

BOOST_AUTO_TEST_CASE(auto_shutdown_any_significant) {
  auto f = flags();
  f.auto_shutdown = auto_shutdown::any_significant;
  auto sig = worker_child("sig", restart_type::transient);
  sig.significant = true;
  auto sup = spawn_sup(f, {worker_child("a"), sig});
  self->monitor(sup);
  auto a = child(sup, "a");
  // An abnormal exit restarts a transient child: no shutdown.
  crash(child(sup, "sig"), caf::sec::runtime_error);
  BOOST_TEST(!is_dead(sup));
  end_normally(child(sup, "sig"));
  BOOST_TEST(down_reason(self) == caf::exit_reason::user_shutdown);
  BOOST_TEST(is_dead(a));
}

BOOST_AUTO_TEST_CASE(auto_shutdown_all_significant) {
  auto f = flags();
  f.auto_shutdown = auto_shutdown::all_significant;
  auto s1 = worker_child("s1", restart_type::temporary);
  s1.significant = true;
  auto s2 = worker_child("s2", restart_type::temporary);
  s2.significant = true;
  auto sup = spawn_sup(f, {s1, s2, worker_child("a")});
  self->monitor(sup);
  end_normally(child(sup, "s1"));
  BOOST_TEST(!is_dead(sup));
  crash(child(sup, "s2"), caf::sec::runtime_error);
  BOOST_TEST(down_reason(self) == caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(terminating_a_significant_child_does_not_trigger_auto_shutdown) {
  auto f = flags();
  f.auto_shutdown = auto_shutdown::any_significant;
  auto sig = worker_child("sig", restart_type::transient);
  sig.significant = true;
  auto sup = spawn_sup(f, {sig});
  BOOST_TEST(succeeded(call<caf::unit_t>(sup, terminate_child_atom::value, std::string{"sig"})));
  BOOST_TEST(!is_dead(sup));
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
