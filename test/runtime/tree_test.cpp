#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

namespace {

using strings = std::vector<std::string>;

} // namespace

BOOST_FIXTURE_TEST_SUITE(tree, fixture)

BOOST_AUTO_TEST_CASE(a_supervisor_child_counts_as_started_when_all_its_children_are) {
  auto sup = spawn_sup(flags(),
                       {supervisor_spec("mid", flags(), {worker_child("x"), worker_child("y")}),
                        worker_child("after")});
  // "after" starts only once mid has started x and y.
  BOOST_TEST(take_reports()
               == (strings{"child_started:x", "child_started:y", "child_started:mid",
                           "child_started:after"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_nested_start_failure_fails_every_level_with_the_path) {
  auto bad = worker_child("leaf_worker");
  bad.start = failing_start(caf::make_error(caf::sec::runtime_error, "disk full"));
  auto leaf = supervisor_spec("leaf", flags(), {bad});
  auto mid = supervisor_spec("mid", flags(), {leaf});
  auto sup = spawn_supervisor(sys, flags(), {mid});
  self->monitor(sup);
  run();
  caf::error reason;
  self->receive([&](caf::down_msg& down) { reason = down.reason; });
  auto text = render(reason);
  BOOST_TEST(reason == errc::start_failed);
  for (auto part : {"\"mid\"", "\"leaf\"", "\"leaf_worker\"", "disk full"})
    BOOST_TEST(text.find(part) != std::string::npos, text << " lacks " << part);
}

BOOST_AUTO_TEST_CASE(a_child_tree_that_ends_itself_at_once_still_started) {
  // The child supervisor's only, significant child ends right after its init,
  // so the child supervisor stops itself: it was up first, so the parent
  // counts a start and then an exit, never a failed start.
  auto inner = flags();
  inner.auto_shutdown = auto_shutdown::any_significant;
  auto done = worker_spec("done", one_shot);
  done.restart = restart_type::temporary;
  done.significant = true;
  auto child_tree = supervisor_spec("finite", inner, {done});
  child_tree.restart = restart_type::transient;
  auto sup = spawn_sup(flags(), {child_tree});
  auto kinds = take_reports();
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "child_started:finite") == 1);
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "child_exited:finite") == 1);
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "start_failed:finite") == 0);
  BOOST_TEST(children(sup).front().status == child_info::state::undefined);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_failure_escalates_through_three_levels) {
  // leaf and mid give up at their first restart; root restarts mid, which
  // starts a fresh leaf with fresh workers.
  auto leaf = supervisor_spec("leaf", flags(one_for_one(), 0),
                              {worker_child("l1"), worker_child("l2")});
  auto mid = supervisor_spec("mid", flags(one_for_one(), 0), {leaf, worker_child("m1")});
  auto root = spawn_sup(flags(one_for_one(), 3), {worker_child("r1"), mid});
  auto r1 = child(root, "r1");
  auto mid1 = child(root, "mid");
  auto leaf1 = child(mid1, "leaf");
  auto m1 = child(mid1, "m1");
  auto l1 = child(leaf1, "l1");
  take_reports();
  crash(l1);
  auto mid2 = child(root, "mid");
  BOOST_REQUIRE(mid2);
  BOOST_TEST(mid2 != mid1);
  auto leaf2 = child(mid2, "leaf");
  BOOST_REQUIRE(leaf2);
  BOOST_TEST(leaf2 != leaf1);
  BOOST_TEST(running_ids(leaf2) == (strings{"l1", "l2"}), boost::test_tools::per_element());
  BOOST_TEST(is_dead(mid1));
  BOOST_TEST(is_dead(leaf1));
  BOOST_TEST(is_dead(m1));
  BOOST_TEST(child(root, "r1") == r1); // one_for_one at the root
  auto kinds = take_reports();
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "intensity_reached:") == 2);
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "child_exited:mid") == 1);
  BOOST_TEST(std::count(kinds.begin(), kinds.end(), "child_restarted:mid") == 1);
  self->send_exit(root, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(stopping_the_root_stops_the_whole_tree_in_order) {
  auto log = std::make_shared<strings>();
  auto logged = [&](const caf::actor& actor, std::string id) {
    actor->attach_functor([log, id] { log->push_back(id); });
  };
  auto leaf = supervisor_spec("leaf", flags(), {worker_child("l1"), worker_child("l2")});
  auto mid = supervisor_spec("mid", flags(), {leaf, worker_child("m1")});
  auto root = spawn_sup(flags(), {worker_child("r1"), mid});
  logged(root, "root");
  logged(child(root, "r1"), "r1");
  auto mid1 = child(root, "mid");
  logged(mid1, "mid");
  logged(child(mid1, "m1"), "m1");
  auto leaf1 = child(mid1, "leaf");
  logged(leaf1, "leaf");
  logged(child(leaf1, "l1"), "l1");
  logged(child(leaf1, "l2"), "l2");
  self->send_exit(root, caf::exit_reason::user_shutdown);
  run();
  BOOST_TEST(*log == (strings{"m1", "l2", "l1", "leaf", "mid", "r1", "root"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
