// Children on other nodes (kintsugi/node.hpp): nodes are process_worker
// programs on 127.0.0.1, started and killed by the tests. Every wait is for an
// event, bounded only so that a broken build fails instead of hanging.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "kintsugi/node.hpp"
#include "remote_fixture.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using namespace kintsugi::test::process;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(node, remote_fixture)

BOOST_AUTO_TEST_CASE(a_child_on_a_node_runs_there_and_is_restarted_there) {
  test_node a;
  auto sup = start({remote("tally", on({a.address()})), worker_child("local")});
  crash_and_see_it_restarted_in(sup, "tally", a.pid());
  a.await("spawned", 2);
  a.await("ended", 1);
  stop_and_wait(sup);
  // Nothing it started on the node outlives it.
  a.await("ended", 2);
}

BOOST_AUTO_TEST_CASE(losing_a_node_ends_its_children_and_a_restart_moves_one_to_another_node) {
  test_node a;
  test_node b;
  auto pinned = remote("pinned", on({a.address()}));
  // It rides out the node's absence with a few attempts, not a tight loop.
  pinned.backoff = restart_backoff{50ms, 500ms};
  auto sup = start({pinned, remote("mobile", on({a.address(), b.address()}))});
  BOOST_TEST(pid_of(child(sup, "pinned")) == a.pid());
  BOOST_TEST(pid_of(child(sup, "mobile")) == a.pid());
  auto port = a.port();
  a.kill();
  auto reason = await_restart("mobile", 1);
  BOOST_TEST(reason == errc::node_down, render(reason));
  BOOST_TEST(pid_of(child(sup, "mobile")) == b.pid());
  // The node comes back on its port, and the pinned child with it.
  test_node again{port};
  reason = await_restart("pinned", 1);
  BOOST_TEST(reason == errc::node_down, render(reason));
  BOOST_TEST(pid_of(child(sup, "pinned")) == again.pid());
  BOOST_TEST(pid_of(child(sup, "mobile")) == b.pid());
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(a_wrong_secret_is_refused_and_spawns_nothing) {
  test_node a;
  auto wrong = on({a.address()});
  wrong.secret = "not the secret at all";
  auto refused = start_supervisor(sys, flags(), {remote("x", wrong)});
  BOOST_REQUIRE(!refused);
  BOOST_TEST(render(refused.error()).find("node_refused") != std::string::npos,
             render(refused.error()));
  auto sup = start({remote("x", on({a.address()}))});
  a.await("spawned", 1);
  BOOST_TEST(a.program().count("spawned") == 1u);
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(a_garbled_handshake_is_refused_and_the_node_serves_on) {
  test_node a;
  auto fd = socket(AF_INET, SOCK_STREAM, 0);
  BOOST_REQUIRE(fd >= 0);
  sockaddr_in where{};
  where.sin_family = AF_INET;
  where.sin_port = htons(a.port());
  where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&where), sizeof(where)) == 0);
  std::vector<unsigned char> garbage(4096, 0xab);
  BOOST_TEST(write(fd, garbage.data(), garbage.size()) == static_cast<ssize_t>(garbage.size()));
  close(fd);
  auto sup = start({remote("x", on({a.address()}))});
  a.await("spawned", 1);
  BOOST_TEST(a.program().count("spawned") == 1u);
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(cafs_own_remote_spawn_is_turned_off_on_a_node) {
  test_node a;
  auto spawner = sys.middleman().remote_actor("127.0.0.1", a.port());
  BOOST_REQUIRE(spawner);
  auto spawned = sys.middleman().remote_spawn<caf::actor>(spawner->node(), "tally",
                                                          caf::make_message(), 5s);
  BOOST_TEST(!spawned);
  // A spawn with the secret still works, and is the only one.
  auto sup = start({remote("x", on({a.address()}))});
  a.await("spawned", 1);
  BOOST_TEST(a.program().count("spawned") == 1u);
  stop_and_wait(sup);
}

BOOST_AUTO_TEST_CASE(a_type_the_node_does_not_know_fails_the_start_naming_it) {
  test_node a;
  auto unknown = start_supervisor(sys, flags(), {remote("x", on({a.address()}, "no_such_type"))});
  BOOST_REQUIRE(!unknown);
  BOOST_TEST(render(unknown.error()).find("no_such_type") != std::string::npos,
             render(unknown.error()));
  auto nowhere = start_supervisor(sys, flags(), {remote("x", on({{"127.0.0.1", 1}}))});
  BOOST_REQUIRE(!nowhere);
  BOOST_TEST(render(nowhere.error()).find("node_unreachable") != std::string::npos,
             render(nowhere.error()));
}

BOOST_AUTO_TEST_SUITE_END()
