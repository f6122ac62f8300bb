// The public test fixture (kintsugi::testing) used the way a user would.

#include "kintsugi/testing.hpp"

using namespace kintsugi;

namespace {

using ping_atom = caf::atom_constant<caf::atom("ping")>;

caf::behavior echo(caf::event_based_actor*) {
  return {[](ping_atom, int x) { return x; }};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(testing, kintsugi::testing::fixture)

BOOST_AUTO_TEST_CASE(a_crashed_child_comes_back_and_answers) {
  auto names = std::make_shared<kintsugi::registry>();
  auto spec = worker_spec("echo", echo);
  spec.name = registered_name{names, "echo"};
  auto sup = spawn_sup(flags(), {spec});
  auto first = child(sup, "echo");
  BOOST_REQUIRE(first);
  take_reports(); // child_started
  crash(first, caf::make_error(caf::sec::runtime_error, "boom"));
  auto second = await_restart(sup, "echo", first);
  BOOST_TEST(second == await_name(*names, "echo", first));
  BOOST_TEST(*call<int>(second, ping_atom::value, 7) == 7);
  auto exited = first_report(report_kind::child_exited);
  BOOST_TEST(exited.reason == caf::sec::runtime_error);
  BOOST_TEST(take_reports()
               == (std::vector<std::string>{"child_exited:echo", "child_restarted:echo"}),
             boost::test_tools::per_element());
  self->send_exit(sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(actors_that_outlive_the_test_are_counted) {
  // The fixture fails a test whose actors are still running at its end; here
  // the count is checked on the way.
  BOOST_TEST(running_actors() == 0u);
  auto a = sys.spawn(echo);
  run();
  BOOST_TEST(running_actors() == 1u);
  crash(a);
  BOOST_TEST(is_dead(a));
  BOOST_TEST(running_actors() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
