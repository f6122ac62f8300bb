// The application root, on the real scheduler: it blocks the calling thread
// until the tree has stopped, as main() would.

#include <csignal>

#include "fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;

BOOST_FIXTURE_TEST_SUITE(application, live_fixture)

BOOST_AUTO_TEST_CASE(stops_in_order_on_request) {
  auto app = kintsugi::application::start(sys, "app", flags,
                                          {worker_child("a"), worker_child("b")});
  if (!app)
    BOOST_FAIL(render(app.error()));
  auto children = which_children(app->root());
  BOOST_REQUIRE(children);
  app->stop();
  auto reason = app->wait();
  BOOST_TEST(reason == caf::exit_reason::user_shutdown);
  BOOST_TEST(exit_status(reason) == 0);
  for (auto& child : *children)
    BOOST_TEST(child.actor->getf(caf::abstract_actor::is_terminated_flag));
}

BOOST_AUTO_TEST_CASE(sigterm_and_sigint_stop_it_in_order) {
  for (auto sig : {SIGTERM, SIGINT}) {
    auto app = kintsugi::application::start(sys, "app", flags, {worker_child("a")});
    if (!app)
      BOOST_FAIL(render(app.error()));
    // The handler only writes to the application's pipe; wait() does the rest.
    std::raise(sig);
    auto reason = app->wait();
    BOOST_TEST(reason == caf::exit_reason::user_shutdown);
    // The previous handler is back: a new application can take the signals.
  }
  struct sigaction current {};
  sigaction(SIGTERM, nullptr, &current);
  BOOST_TEST((current.sa_handler == SIG_DFL));
}

BOOST_AUTO_TEST_CASE(a_tree_with_a_dynamic_supervisor_stops_on_a_signal) {
  // application root -> dynamic supervisor -> many workers, as a game server.
  dynamic_supervisor_flags games;
  games.child_template = worker_spec("game", worker);
  auto app = kintsugi::application::start(
    sys, "islands", flags, {worker_child("lobby"), dynamic_supervisor_spec("games", games)});
  if (!app)
    BOOST_FAIL(render(app.error()));
  auto children = which_children(app->root());
  BOOST_REQUIRE(children && children->size() == 2u);
  auto sup = (*children)[1].actor;
  std::vector<caf::actor> players;
  for (int i = 0; i < 100; ++i) {
    auto game = start_child(sup, caf::message{});
    BOOST_REQUIRE(game);
    players.push_back(*game);
  }
  std::raise(SIGTERM);
  BOOST_TEST(app->wait() == caf::exit_reason::user_shutdown);
  BOOST_TEST((*children)[0].actor->getf(caf::abstract_actor::is_terminated_flag));
  BOOST_TEST(sup->getf(caf::abstract_actor::is_terminated_flag));
  for (auto& game : players)
    BOOST_TEST(game->getf(caf::abstract_actor::is_terminated_flag));
}

BOOST_AUTO_TEST_CASE(a_root_that_gives_up_exits_non_zero) {
  auto f = flags;
  f.intensity = 0;
  auto app = kintsugi::application::start(sys, "app", f, {worker_child("a")});
  if (!app)
    BOOST_FAIL(render(app.error()));
  auto a = (*which_children(app->root()))[0].actor;
  caf::anon_send(a, crash_atom::value, caf::make_error(caf::sec::runtime_error, "crash"));
  auto reason = app->wait();
  BOOST_TEST(reason == errc::reached_max_restart_intensity);
  BOOST_TEST(exit_status(reason) == 1);
}

BOOST_AUTO_TEST_CASE(run_application_returns_the_exit_status) {
  auto bad = worker_child("bad");
  bad.start = failing_start(caf::make_error(caf::sec::runtime_error, "no config"));
  BOOST_TEST(run_application(sys, "broken", flags, {bad}) == 1);
  // A tree that ends itself in order (its only significant child is done).
  auto f = flags;
  f.auto_shutdown = auto_shutdown::any_significant;
  auto done = worker_spec("done", one_shot);
  done.restart = restart_type::temporary;
  done.significant = true;
  BOOST_TEST(run_application(sys, "finite", f, {worker_child("a"), done}) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
