// kintsugi/observer.hpp: the supervisors of a system, their snapshots, the
// reports of all of them and their totals.

#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

std::vector<std::string> names_of(const std::vector<caf::actor>& sups, fixture& f) {
  std::vector<std::string> result;
  for (auto& sup : sups) {
    auto x = f.call<supervisor_snapshot>(sup, describe_atom::value, uint64_t{0}, uint64_t{0});
    BOOST_REQUIRE(x);
    result.push_back(x->name);
  }
  return result;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(observer, fixture)

BOOST_AUTO_TEST_CASE(every_live_supervisor_is_listed_in_start_order) {
  auto inner = flags();
  inner.name = "inner";
  auto root = spawn_sup(flags(one_for_all()), {worker_child("a"), supervisor_spec("s", inner, {})});
  auto dyn = spawn_dynamic_sup(dynamic_flags());
  BOOST_TEST(names_of(supervisors(sys), *this) == (std::vector<std::string>{"sup", "inner", "dyn"}),
             boost::test_tools::per_element());
  self->send_exit(dyn, caf::exit_reason::user_shutdown);
  run();
  BOOST_TEST(names_of(supervisors(sys), *this) == (std::vector<std::string>{"sup", "inner"}),
             boost::test_tools::per_element());
  self->send_exit(root, caf::exit_reason::user_shutdown);
  run();
  BOOST_TEST(supervisors(sys).empty());
}

BOOST_AUTO_TEST_CASE(a_snapshot_shows_strategy_intensity_use_and_each_childs_history) {
  auto sup = spawn_sup(flags(rest_for_one(), 5, std::chrono::seconds{30}),
                       {worker_child("a"), worker_child("b", restart_type::transient)});
  crash(child(sup, "b"), caf::sec::runtime_error);
  crash(child(sup, "b"), caf::exit_reason::kill);
  auto x = call<supervisor_snapshot>(sup, describe_atom::value, uint64_t{0}, uint64_t{100});
  BOOST_REQUIRE(x);
  BOOST_TEST(x->name == "sup");
  BOOST_TEST(x->strategy == "rest_for_one");
  BOOST_TEST(x->intensity == 5);
  BOOST_TEST(x->period.count() == 30'000);
  BOOST_TEST(x->restarts_in_period == 2u);
  BOOST_TEST(x->child_count == 2u);
  BOOST_REQUIRE(x->children.size() == 2u);
  auto& a = x->children[0];
  BOOST_TEST(a.info.id == "a");
  BOOST_TEST(a.restarts == 0u);
  BOOST_TEST(!a.last_exit);
  BOOST_TEST(a.restart == restart_type::permanent);
  auto& b = x->children[1];
  BOOST_TEST(b.info.id == "b");
  BOOST_TEST((b.info.status == child_info::state::running));
  BOOST_TEST(b.info.actor == child(sup, "b"));
  BOOST_TEST(b.restarts == 2u);
  BOOST_TEST(b.last_exit == caf::exit_reason::kill);
  BOOST_TEST(b.restart == restart_type::transient);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  run();
}

BOOST_AUTO_TEST_CASE(a_dynamic_supervisors_children_come_in_pages) {
  auto f = dynamic_flags(10);
  f.child_template = worker_child("job", restart_type::transient);
  auto dyn = spawn_dynamic_sup(f);
  std::vector<caf::actor> kids;
  for (int i = 0; i < 25; ++i) {
    auto kid = call<caf::actor>(dyn, start_child_atom::value, caf::make_message());
    BOOST_REQUIRE(kid);
    kids.push_back(*kid);
  }
  crash(kids[3]);
  auto page = call<supervisor_snapshot>(dyn, describe_atom::value, uint64_t{20}, uint64_t{10});
  BOOST_REQUIRE(page);
  BOOST_TEST(page->strategy == "dynamic");
  BOOST_TEST(page->child_count == 25u);
  BOOST_TEST(page->first == 20u);
  BOOST_REQUIRE(page->children.size() == 5u);
  // The restarted child started last.
  BOOST_TEST(page->children.back().restarts == 1u);
  BOOST_TEST(page->children.back().last_exit == caf::sec::runtime_error);
  BOOST_TEST(page->children.front().info.actor == kids[21]);
  auto past_end = call<supervisor_snapshot>(dyn, describe_atom::value, uint64_t{99}, uint64_t{10});
  BOOST_REQUIRE(past_end);
  BOOST_TEST(past_end->first == 25u);
  BOOST_TEST(past_end->children.empty());
  self->send_exit(dyn, caf::exit_reason::user_shutdown);
  run();
}

BOOST_AUTO_TEST_CASE(subscribers_get_every_supervisors_reports_and_totals_count_them) {
  std::vector<std::string> seen;
  auto subscription = subscribe_reports(sys, [&](const report& x) {
    seen.push_back(x.supervisor + ":" + to_string(x.kind) + ":" + x.child_id);
  });
  auto inner = flags();
  inner.name = "inner";
  auto root = spawn_sup(flags(one_for_one(), 2),
                        {worker_child("a"), supervisor_spec("s", inner, {worker_child("x")})});
  auto x = child(root, "s");
  crash(child(x, "x"), caf::exit_reason::kill);
  crash(child(root, "a"), caf::exit_reason::user_shutdown);
  BOOST_TEST(seen
               == (std::vector<std::string>{"inner:child_started:x", "sup:child_started:a",
                                            "sup:child_started:s", "inner:child_exited:x",
                                            "inner:child_restarted:x", "sup:child_exited:a",
                                            "sup:child_restarted:a"}),
             boost::test_tools::per_element());
  subscription.cancel();
  crash(child(root, "a"));
  BOOST_TEST(seen.size() == 7u);
  auto t = totals(sys);
  BOOST_TEST(t.starts == 3u);
  BOOST_TEST(t.restarts == 3u);
  BOOST_TEST(t.exits_killed == 1u);
  BOOST_TEST(t.exits_shutdown == 1u);
  BOOST_TEST(t.exits_error == 1u);
  BOOST_TEST(t.gave_up == 0u);
  crash(child(root, "a"));
  BOOST_TEST(totals(sys).gave_up == 1u);
  run();
}

BOOST_AUTO_TEST_CASE(each_actor_system_has_totals_of_its_own) {
  BOOST_TEST(totals(sys).starts == 0u);
  BOOST_TEST(supervisors(sys).empty());
}

BOOST_AUTO_TEST_SUITE_END()
