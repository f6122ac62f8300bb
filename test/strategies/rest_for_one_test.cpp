#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

BOOST_FIXTURE_TEST_SUITE(rest_for_one, fixture)

BOOST_AUTO_TEST_CASE(restarts_the_failed_child_and_those_started_after_it) {
  auto sup = spawn_sup(flags(kintsugi::rest_for_one()), {worker_child("a"), worker_child("b"),
                                                         worker_child("c"), worker_child("d")});
  auto a = child(sup, "a");
  auto b = child(sup, "b");
  auto c = child(sup, "c");
  auto d = child(sup, "d");
  take_reports();
  crash(b);
  BOOST_TEST(child(sup, "a") == a);
  for (auto& [id, old] : {std::pair{"b", b}, std::pair{"c", c}, std::pair{"d", d}}) {
    auto now = child(sup, id);
    BOOST_TEST(now);
    BOOST_TEST(now != old);
    BOOST_TEST(is_dead(old));
  }
  BOOST_TEST(take_reports()
               == (std::vector<std::string>{"child_exited:b", "child_restarted:b",
                                            "child_restarted:c", "child_restarted:d"}),
             boost::test_tools::per_element());
  // The last child failing restarts only itself.
  auto d2 = child(sup, "d");
  auto c2 = child(sup, "c");
  crash(d2);
  BOOST_TEST(child(sup, "c") == c2);
  BOOST_TEST(child(sup, "d") != d2);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
