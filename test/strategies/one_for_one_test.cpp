#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

BOOST_FIXTURE_TEST_SUITE(one_for_one, fixture)

BOOST_AUTO_TEST_CASE(restarts_only_the_child_that_failed) {
  auto sup = spawn_sup(flags(kintsugi::one_for_one()),
                       {worker_child("a"), worker_child("b"), worker_child("c")});
  auto a = child(sup, "a");
  auto b = child(sup, "b");
  auto c = child(sup, "c");
  take_reports();
  crash(b);
  BOOST_TEST(child(sup, "a") == a);
  BOOST_TEST(child(sup, "c") == c);
  auto b2 = child(sup, "b");
  BOOST_TEST(b2);
  BOOST_TEST(b2 != b);
  BOOST_TEST(take_reports() == (std::vector<std::string>{"child_exited:b", "child_restarted:b"}),
             boost::test_tools::per_element());
  BOOST_TEST(succeeded(call<pong_atom>(b2, ping_atom::value)));
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
