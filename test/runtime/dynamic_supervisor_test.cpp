#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace std::chrono_literals;

namespace {

using strings = std::vector<std::string>;

// A game-like child whose identity comes from its start arguments.
caf::behavior labelled(caf::event_based_actor* self, std::string prefix, int n) {
  return {
    [=](caf::get_atom) { return prefix + std::to_string(n); },
    [self](crash_atom, caf::error& reason) { self->quit(std::move(reason)); },
  };
}

caf::error down_reason(caf::scoped_actor& self) {
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; });
  return reason;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(dynamic_supervisor, fixture)

BOOST_AUTO_TEST_CASE(starts_empty_and_adds_children_from_full_specs) {
  auto sup = spawn_dynamic_sup(dynamic_flags());
  BOOST_TEST(children(sup).empty());
  auto a = call<caf::actor>(sup, start_child_atom::value, worker_child("a"));
  auto b = call<caf::actor>(sup, start_child_atom::value, worker_child("b"));
  BOOST_REQUIRE(a && b);
  BOOST_TEST(*call<pong_atom>(*a, ping_atom::value) == pong_atom::value);
  auto infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 2u);
  BOOST_TEST(infos[0].actor == *a);
  BOOST_TEST(infos[1].actor == *b);
  BOOST_TEST(infos[0].status == child_info::state::running);
  auto counts = call<child_counts>(sup, count_children_atom::value);
  BOOST_TEST(counts->specs == 2u);
  BOOST_TEST(counts->active == 2u);
  BOOST_TEST(counts->workers == 2u);
  BOOST_TEST(take_reports() == (strings{"child_started:a", "child_started:b"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(starts_children_from_the_template_with_extra_arguments) {
  auto f = dynamic_flags();
  f.child_template = worker_spec("game", labelled);
  f.extra_arguments = caf::make_message(std::string{"game-"});
  auto sup = spawn_dynamic_sup(f);
  auto g7 = call<caf::actor>(sup, start_child_atom::value, caf::make_message(7));
  auto g8 = call<caf::actor>(sup, start_child_atom::value, caf::make_message(8));
  BOOST_REQUIRE(g7 && g8);
  BOOST_TEST(*call<std::string>(*g7, caf::get_atom::value) == "game-7");
  BOOST_TEST(*call<std::string>(*g8, caf::get_atom::value) == "game-8");
  // Arguments the function does not take fail the start, with what came.
  auto bad = call<caf::actor>(sup, start_child_atom::value, caf::make_message("eight"));
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error() == errc::start_failed);
  BOOST_TEST(render(bad.error()).find("takes 2 extra argument(s), got (") != std::string::npos,
             render(bad.error()));
  BOOST_TEST(render(bad.error()).find("eight") != std::string::npos, render(bad.error()));
  BOOST_TEST(children(sup).size() == 2u);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_restarted_child_gets_the_same_arguments_again) {
  auto f = dynamic_flags();
  f.child_template = worker_spec("game", labelled, std::string{"fixed-"});
  auto sup = spawn_dynamic_sup(f);
  auto first = call<caf::actor>(sup, start_child_atom::value, caf::make_message(3));
  BOOST_REQUIRE(first);
  crash(*first);
  auto infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 1u);
  BOOST_REQUIRE(infos[0].actor);
  BOOST_TEST(infos[0].actor != *first);
  BOOST_TEST(*call<std::string>(infos[0].actor, caf::get_atom::value) == "fixed-3");
  BOOST_TEST(take_reports()
               == (strings{"child_started:game", "child_exited:game", "child_restarted:game"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(without_a_template_only_full_specs_start) {
  auto sup = spawn_dynamic_sup(dynamic_flags());
  auto result = call<caf::actor>(sup, start_child_atom::value, caf::make_message(1));
  BOOST_TEST(result.error() == errc::not_supported);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(max_children_refuses_more_and_frees_a_place_when_one_ends) {
  auto f = dynamic_flags();
  f.max_children = 2;
  auto sup = spawn_dynamic_sup(f);
  auto a = call<caf::actor>(sup, start_child_atom::value, worker_child("a"));
  BOOST_REQUIRE(call<caf::actor>(sup, start_child_atom::value, worker_child("b")));
  auto c = call<caf::actor>(sup, start_child_atom::value, worker_child("c"));
  BOOST_TEST(c.error() == errc::max_children);
  BOOST_TEST(render(c.error()).find("max_children") != std::string::npos, render(c.error()));
  BOOST_REQUIRE(call<caf::unit_t>(sup, terminate_child_atom::value, *a));
  BOOST_TEST(succeeded(call<caf::actor>(sup, start_child_atom::value, worker_child("c"))));
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(terminate_child_stops_and_forgets_a_child_by_its_actor) {
  auto sup = spawn_dynamic_sup(dynamic_flags());
  auto a = call<caf::actor>(sup, start_child_atom::value, worker_child("a"));
  auto b = call<caf::actor>(sup, start_child_atom::value, worker_child("b"));
  BOOST_REQUIRE(a && b);
  BOOST_TEST(succeeded(call<caf::unit_t>(sup, terminate_child_atom::value, *a)));
  BOOST_TEST(is_dead(*a));
  auto infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 1u);
  BOOST_TEST(infos[0].actor == *b);
  // Gone for good: a permanent child stopped on request is not restarted.
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, *a).error() == errc::not_found);
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, sup).error() == errc::not_found);
  // Ids do not identify dynamic children.
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, std::string{"b"}).error()
             == errc::not_supported);
  BOOST_TEST(call<caf::actor>(sup, restart_child_atom::value, std::string{"b"}).error()
             == errc::not_supported);
  BOOST_TEST(call<caf::unit_t>(sup, delete_child_atom::value, std::string{"b"}).error()
             == errc::not_supported);
  auto spec = call<child_spec>(sup, get_childspec_atom::value, *b);
  BOOST_REQUIRE(spec);
  BOOST_TEST(spec->id == "b");
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(restart_types_are_honoured) {
  auto sup = spawn_dynamic_sup(dynamic_flags(10));
  auto p = *call<caf::actor>(sup, start_child_atom::value, worker_child("p"));
  auto t = *call<caf::actor>(sup, start_child_atom::value,
                             worker_child("t", restart_type::transient));
  auto tmp = *call<caf::actor>(sup, start_child_atom::value,
                               worker_child("tmp", restart_type::temporary));
  end_normally(p);
  end_normally(t);
  end_normally(tmp);
  // Only the permanent child came back after a normal exit.
  auto infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 1u);
  BOOST_TEST(infos[0].id == "p");
  BOOST_TEST(infos[0].actor != p);
  auto t2 = *call<caf::actor>(sup, start_child_atom::value,
                              worker_child("t", restart_type::transient));
  auto tmp2 = *call<caf::actor>(sup, start_child_atom::value,
                                worker_child("tmp", restart_type::temporary));
  crash(t2);
  crash(tmp2);
  // The transient child came back after an abnormal exit; the temporary one
  // vanished.
  strings ids;
  for (auto& info : children(sup))
    ids.push_back(info.id);
  BOOST_TEST(ids == (strings{"p", "t"}), boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(more_restarts_than_the_intensity_stop_every_child) {
  auto sup = spawn_dynamic_sup(dynamic_flags(1, 5s));
  self->monitor(sup);
  auto a = *call<caf::actor>(sup, start_child_atom::value, worker_child("a"));
  auto b = *call<caf::actor>(sup, start_child_atom::value, worker_child("b"));
  crash(a);
  BOOST_TEST(!is_dead(sup));
  crash(b);
  BOOST_TEST(down_reason(self) == errc::reached_max_restart_intensity);
  BOOST_TEST(running_actors() == 0u);
}

BOOST_AUTO_TEST_CASE(restarts_spread_past_the_period_do_not_add_up) {
  auto sup = spawn_dynamic_sup(dynamic_flags(1, 5s));
  auto a = *call<caf::actor>(sup, start_child_atom::value, worker_child("a"));
  crash(a);
  sched.advance_time(5s);
  crash(children(sup)[0].actor);
  BOOST_TEST(!is_dead(sup));
  BOOST_TEST(children(sup).size() == 1u);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_failed_restart_is_tried_again_and_calls_are_answered_meanwhile) {
  auto starts = std::make_shared<int>(0);
  auto spec = worker_child("flaky");
  spec.start = [starts](start_context& ctx) -> start_result {
    // The first start works, the next two fail, the fourth works.
    auto n = ++*starts;
    if (n == 2 || n == 3)
      return caf::make_error(caf::sec::runtime_error, "database busy");
    return ctx.spawn(worker);
  };
  auto sup = spawn_dynamic_sup(dynamic_flags(10));
  auto first = *call<caf::actor>(sup, start_child_atom::value, spec);
  self->send_exit(first, caf::sec::runtime_error);
  // One step at a time: the exit, the down message, the failed restart...
  sched.run_once();
  sched.run_once();
  auto infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 1u);
  BOOST_TEST(infos[0].status == child_info::state::restarting);
  run();
  infos = children(sup);
  BOOST_REQUIRE_EQUAL(infos.size(), 1u);
  BOOST_TEST(infos[0].status == child_info::state::running);
  BOOST_TEST(*starts == 4);
  BOOST_TEST(take_reports()
               == (strings{"child_started:flaky", "child_exited:flaky", "start_failed:flaky",
                           "start_failed:flaky", "child_restarted:flaky"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_start_that_fails_or_is_ignored_keeps_nothing) {
  auto sup = spawn_dynamic_sup(dynamic_flags());
  auto bad = call<caf::actor>(sup, start_child_atom::value, worker_spec("bad", failing_worker));
  BOOST_TEST(bad.error() == errc::start_failed);
  BOOST_TEST(render(bad.error()).find("cannot initialise") != std::string::npos,
             render(bad.error()));
  auto ignored = worker_child("ignored");
  ignored.start = ignoring_start();
  auto none = call<caf::actor>(sup, start_child_atom::value, ignored);
  BOOST_REQUIRE(none);
  BOOST_TEST(!*none);
  auto invalid = worker_child("");
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, invalid).error() == errc::invalid_spec);
  BOOST_TEST(children(sup).empty());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(invalid_flags_are_refused) {
  auto f = dynamic_flags(-1);
  BOOST_TEST(validate(f) == errc::invalid_spec);
  f = dynamic_flags();
  f.child_template = worker_child("t");
  f.child_template->significant = true;
  f.child_template->restart = restart_type::transient;
  BOOST_TEST(render(validate(f)).find("significant") != std::string::npos);
  auto sup = spawn_dynamic_supervisor(sys, f);
  self->monitor(sup);
  run();
  BOOST_TEST(down_reason(self) == errc::invalid_spec);
}

BOOST_AUTO_TEST_CASE(stopping_stops_all_children_at_once_each_by_its_policy) {
  // Children that ignore the shutdown and are killed after 1 s: stopped one
  // after the other, 20 of them would take 20 s; at once, they take 1 s.
  auto spec = worker_spec("stubborn", stubborn_worker);
  spec.shutdown = shutdown_policy::timeout(1s);
  auto sup = spawn_dynamic_sup(dynamic_flags());
  std::vector<caf::actor> kids;
  for (int i = 0; i < 20; ++i)
    kids.push_back(*call<caf::actor>(sup, start_child_atom::value, spec));
  auto quick = *call<caf::actor>(sup, start_child_atom::value, worker_child("quick"));
  self->monitor(sup);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  BOOST_TEST(is_dead(quick));
  BOOST_TEST(!is_dead(sup));
  sched.advance_time(1s);
  run();
  BOOST_TEST(down_reason(self) == caf::exit_reason::user_shutdown);
  for (auto& kid : kids)
    BOOST_TEST(is_dead(kid));
}

BOOST_AUTO_TEST_CASE(stopping_with_many_children_stops_every_one) {
  auto f = dynamic_flags();
  f.child_template = worker_spec("w", worker);
  f.reports = null_report_sink();
  auto sup = spawn_dynamic_sup(f);
  constexpr int n = 5000;
  std::vector<caf::response_handle<caf::blocking_actor, caf::message, true>> handles;
  for (int i = 0; i < n; ++i)
    handles.push_back(self->request(sup, caf::infinite, start_child_atom::value, caf::message{}));
  run();
  int started = 0;
  for (auto& h : handles)
    h.receive([&](caf::actor&) { ++started; }, [](caf::error& err) { BOOST_FAIL(render(err)); });
  BOOST_TEST(started == n);
  BOOST_TEST(call<child_counts>(sup, count_children_atom::value)->active == std::size_t{n});
  self->monitor(sup);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  BOOST_TEST(down_reason(self) == caf::exit_reason::user_shutdown);
  BOOST_TEST(running_actors() == 0u);
}

BOOST_AUTO_TEST_CASE(children_die_with_a_supervisor_that_is_killed) {
  auto sup = spawn_dynamic_sup(dynamic_flags());
  auto a = *call<caf::actor>(sup, start_child_atom::value, worker_child("a"));
  self->send_exit(sup, caf::exit_reason::kill);
  run();
  BOOST_TEST(is_dead(a));
}

BOOST_AUTO_TEST_CASE(a_stop_while_a_child_starts_fails_that_start) {
  auto sup = spawn_dynamic_sup(dynamic_flags());
  auto start = self->request(sup, caf::infinite, start_child_atom::value, worker_child("a"));
  sched.run_once(); // the supervisor spawns the child and asks for its init
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
  caf::error err;
  start.receive([](caf::actor&) {}, [&](caf::error& e) { err = e; });
  BOOST_TEST(err == errc::supervisor_stopping);
}

BOOST_AUTO_TEST_CASE(named_children_are_found_by_name_after_a_restart) {
  auto names = std::make_shared<registry>();
  auto spec = worker_child("game");
  spec.name = registered_name{names, "Kusama"};
  auto sup = spawn_dynamic_sup(dynamic_flags());
  auto first = *call<caf::actor>(sup, start_child_atom::value, spec);
  BOOST_TEST(*names->whereis("Kusama") == first);
  crash(first);
  auto second = await_name(*names, "Kusama", first);
  BOOST_TEST(*call<pong_atom>(second, ping_atom::value) == pong_atom::value);
  // A second child may not take the name.
  BOOST_TEST(call<caf::actor>(sup, start_child_atom::value, spec).error() == errc::start_failed);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_tree_holds_a_dynamic_supervisor_and_escalates_its_failure) {
  auto dyn = dynamic_flags(0);
  dyn.child_template = worker_spec("w", worker);
  auto root = spawn_sup(flags(one_for_one(), 0), {dynamic_supervisor_spec("games", dyn)});
  self->monitor(root);
  auto games = child(root, "games");
  BOOST_REQUIRE(games);
  auto w = *call<caf::actor>(games, start_child_atom::value, caf::message{});
  crash(w);
  // The dynamic supervisor gave up; so did the root, whose intensity is 0.
  BOOST_TEST(down_reason(self) == errc::reached_max_restart_intensity);
  BOOST_TEST(is_dead(games));
  BOOST_TEST(running_actors() == 0u);
}

BOOST_AUTO_TEST_CASE(a_static_supervisor_refuses_children_by_actor) {
  auto sup = spawn_sup(flags(), {worker_child("a")});
  BOOST_TEST(call<caf::unit_t>(sup, terminate_child_atom::value, child(sup, "a")).error()
             == errc::not_supported);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
