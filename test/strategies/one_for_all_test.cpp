#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

BOOST_FIXTURE_TEST_SUITE(one_for_all, fixture)

BOOST_AUTO_TEST_CASE(restarts_every_child_stopping_the_others_in_reverse_order) {
  auto log = std::make_shared<std::vector<std::string>>();
  auto sup = spawn_sup(flags(kintsugi::one_for_all()),
                       {logged_child("a", log), logged_child("b", log), logged_child("c", log),
                        logged_child("d", log)});
  std::vector<caf::actor> before;
  for (auto& info : children(sup))
    before.push_back(info.actor);
  take_reports();
  crash(before[1]);
  // b crashed; the others were stopped in reverse start order.
  BOOST_TEST(*log == (std::vector<std::string>{"b", "d", "c", "a"}),
             boost::test_tools::per_element());
  auto after = children(sup);
  BOOST_REQUIRE_EQUAL(after.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(after[i].actor);
    BOOST_TEST(after[i].actor != before[i]);
    BOOST_TEST(is_dead(before[i]));
  }
  // ... and started again in start order.
  BOOST_TEST(take_reports()
               == (std::vector<std::string>{"child_exited:b", "child_restarted:a",
                                            "child_restarted:b", "child_restarted:c",
                                            "child_restarted:d"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(drops_temporary_children_it_stops) {
  auto sup
    = spawn_sup(flags(kintsugi::one_for_all()),
                {worker_child("a"), worker_child("t", restart_type::temporary), worker_child("c")});
  auto t = child(sup, "t");
  crash(child(sup, "a"));
  BOOST_TEST(is_dead(t));
  BOOST_TEST(running_ids(sup) == (std::vector<std::string>{"a", "c"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
