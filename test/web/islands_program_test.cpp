// The main job in the browser as a user starts it: `islands web --port 0`
// prints its URLs, serves the game's page, its socket and /metrics, and
// ends with status 0 on SIGTERM.

#include <cstdio>
#include <string>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include "child_program.hpp"
#include "kintsugi/web/json.hpp"
#include "web_client.hpp"

using namespace kintsugi::web::test;

namespace {

struct running_islands {
  running_islands() {
    const char* argv[] = {ISLANDS_PROGRAM, "web", "--port", "0", nullptr};
    child_program program{argv, STDOUT_FILENO, false};
    pid = program.pid;
    stdout_of = program.output;
  }

  ~running_islands() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    fclose(stdout_of);
  }

  // The URL on the line that starts with `label`, read up to it.
  std::string url(const std::string& label) {
    char line[1024];
    while (fgets(line, sizeof line, stdout_of)) {
      std::string x{line};
      if (x.compare(0, label.size(), label) == 0) {
        auto from = x.find("http://");
        return x.substr(from, x.find_first_of(" \n", from) - from);
      }
    }
    BOOST_FAIL("islands web ended before it printed " << label);
    return {};
  }

  int stop() {
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    pid = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  pid_t pid = -1;
  FILE* stdout_of = nullptr;
};

// "http://127.0.0.1:PORT/path?token=T" -> PORT, "/path?token=T"
std::pair<uint16_t, std::string> split(const std::string& url) {
  auto host_end = url.find('/', 7);
  auto port = url.substr(url.rfind(':', host_end) + 1, host_end - url.rfind(':', host_end) - 1);
  return {static_cast<uint16_t>(std::stoi(port)), url.substr(host_end)};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(islands_program)

BOOST_AUTO_TEST_CASE(islands_web_serves_the_game_and_stops_on_sigterm) {
  running_islands p;
  auto [port, game] = split(p.url("Islands:"));
  auto [observer_port, observer] = split(p.url("Observer:"));
  auto [metrics_port, metrics] = split(p.url("Metrics:"));
  BOOST_CHECK_EQUAL(observer_port, port);
  BOOST_CHECK_EQUAL(metrics_port, port);
  BOOST_CHECK(contains(http_get(port, game).body, "<title>Islands</title>"));
  BOOST_CHECK(contains(http_get(port, observer).body, "Kintsugi observer"));
  auto token = game.substr(game.find("?token="));
  ws_client player(port, "/islands/socket" + token);
  player.send(R"({"op":"new","name":"Ann"})");
  player.read_until([](const std::string& m) { return contains(m, R"("type":"joined")"); });
  auto state
    = player.read_until([](const std::string& m) { return contains(m, R"("type":"state")"); });
  BOOST_CHECK(contains(state, R"("phase":"initialized")"));
  // A second game under a name that runs already is refused, and says so.
  ws_client other(port, "/islands/socket" + token);
  other.send(R"({"op":"new","name":"Ann"})");
  auto refused = other.read();
  BOOST_CHECK(contains(refused, R"("type":"error")"));
  BOOST_CHECK(contains(refused, "runs already"));
  other.close();
  BOOST_CHECK(
    contains(http_get(port, metrics).body, "kintsugi_supervisor_children{supervisor=\"games\""));
  player.close();
  BOOST_CHECK_EQUAL(p.stop(), 0);
}

BOOST_AUTO_TEST_SUITE_END()
