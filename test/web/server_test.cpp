// The web server: the token, the routes, the limits, the observer's socket
// protocol and /metrics, against a real server on loopback.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <future>

#include <unistd.h>

#include <caf/all.hpp>

#include "fixture.hpp"
#include "kintsugi/ets/durable.hpp"
#include "kintsugi/kintsugi.hpp"
#include "kintsugi/web.hpp"
#include "kintsugi/web/json.hpp"
#include "web_client.hpp"

using namespace kintsugi;
using namespace kintsugi::test;
using kintsugi::web::test::http_get;
using kintsugi::web::test::http_raw;
using kintsugi::web::test::ws_client;

namespace {

struct web_fixture : live_fixture {
  web::server start(web::options opts = {}) {
    opts.token = token;
    auto s = web::serve(sys, std::move(opts));
    BOOST_REQUIRE_MESSAGE(s, (s ? std::string{} : render(s.error())));
    return std::move(*s);
  }

  std::string with_token(const std::string& path) {
    return path + "?token=" + token;
  }

  const std::string token = "0123456789abcdef-test";
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The tree message that shows `child` of supervisor `sup` with `restarts`
// restarts, running.
std::function<bool(const std::string&)> tree_shows(const std::string& child, uint64_t restarts) {
  return [=](const std::string& msg) {
    auto v = web::parse_json(msg);
    if (!v || !v->string_member("type") || *v->string_member("type") != "tree")
      return false;
    for (auto& s : std::get<web::json_value::array>(v->as_object()->at("supervisors").data))
      for (auto& c : std::get<web::json_value::array>(s.as_object()->at("children").data))
        if (*c.string_member("id") == child && c.count_member("restarts") == restarts
            && *c.string_member("state") == "running")
          return true;
    return false;
  };
}

uint64_t actor_of(const std::string& tree, const std::string& child) {
  auto v = web::parse_json(tree);
  for (auto& s : std::get<web::json_value::array>(v->as_object()->at("supervisors").data))
    for (auto& c : std::get<web::json_value::array>(s.as_object()->at("children").data))
      if (*c.string_member("id") == child)
        return *c.count_member("actor");
  return 0;
}

// An app whose actor echoes each frame, and says "bye" and ends on "quit".
web::app echo_app() {
  static constexpr std::string_view page = "<!doctype html><title>echo</title>";
  return {"/echo", page, [](caf::actor_system& sys, web::peer client) {
            return sys.spawn([client](caf::event_based_actor* self) -> caf::behavior {
              return {[=](web::text_atom, const std::string& text) {
                if (text == "quit") {
                  client.send("bye");
                  self->quit();
                  return;
                }
                client.send("echo: " + text);
              }};
            });
          }};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(server, web_fixture)

BOOST_AUTO_TEST_CASE(every_request_needs_the_token) {
  auto s = start();
  auto none = http_get(s.port(), "/");
  BOOST_CHECK_EQUAL(none.status, 401);
  BOOST_CHECK_EQUAL(none.content_type, "application/json");
  BOOST_CHECK(contains(none.body, "\"error\""));
  BOOST_CHECK_EQUAL(http_get(s.port(), "/?token=wrong").status, 401);
  BOOST_CHECK_EQUAL(http_get(s.port(), "/metrics?token=" + token + "x").status, 401);
  auto page = http_get(s.port(), with_token("/"));
  BOOST_CHECK_EQUAL(page.status, 200);
  BOOST_CHECK(contains(page.body, "Kintsugi observer"));
  auto bearer = http_get(s.port(), "/metrics", {"Authorization: Bearer " + token});
  BOOST_CHECK_EQUAL(bearer.status, 200);
  BOOST_CHECK_THROW(ws_client(s.port(), "/observer/socket"), std::runtime_error);
  BOOST_CHECK_THROW(ws_client(s.port(), "/observer/socket?token=nope"), std::runtime_error);
  BOOST_CHECK(s.url().find("?token=" + token) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_requests_get_a_clear_4xx) {
  auto s = start();
  BOOST_CHECK_EQUAL(http_get(s.port(), with_token("/nowhere")).status, 404);
  BOOST_CHECK_EQUAL(http_raw(s.port(), "POST /?token=" + token
                                         + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                      .status,
                    405);
  BOOST_CHECK_EQUAL(http_raw(s.port(), "GET /?token=" + token
                                         + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
                      .status,
                    413);
  auto huge = http_get(s.port(), with_token("/"), {"X-Padding: " + std::string(20000, 'a')});
  BOOST_CHECK_EQUAL(huge.status, 431);
  auto garbled = http_raw(s.port(), "GARBAGE\r\n\r\n");
  BOOST_CHECK_EQUAL(garbled.status, 400);
  BOOST_CHECK(contains(garbled.body, "malformed request"));
  // A WebSocket where there is none.
  BOOST_CHECK_THROW(ws_client(s.port(), with_token("/metrics")), std::runtime_error);
  // And the server serves on.
  BOOST_CHECK_EQUAL(http_get(s.port(), with_token("/")).status, 200);
}

BOOST_AUTO_TEST_CASE(options_are_checked) {
  web::options bad_address;
  bad_address.address = "localhost:80";
  bad_address.token = token;
  BOOST_CHECK(web::serve(sys, bad_address).error() == errc::invalid_spec);
  web::options short_token;
  short_token.token = "short";
  BOOST_CHECK(web::serve(sys, short_token).error() == errc::invalid_spec);
  web::options no_slash;
  no_slash.token = token;
  no_slash.apps.push_back(echo_app());
  no_slash.apps.back().path = "echo";
  BOOST_CHECK(web::serve(sys, no_slash).error() == errc::invalid_spec);
  web::options twice;
  twice.token = token;
  twice.apps = {echo_app(), echo_app()};
  BOOST_CHECK(web::serve(sys, twice).error() == errc::invalid_spec);
  auto first = start();
  web::options taken;
  taken.token = token;
  taken.port = first.port();
  BOOST_CHECK(web::serve(sys, taken).error() == caf::sec::cannot_open_port);
  // A random token when none is given.
  auto random = web::serve(sys);
  BOOST_REQUIRE(random);
  BOOST_CHECK_EQUAL(random->token().size(), 32u);
  BOOST_CHECK_NE(random->token(), token);
}

BOOST_AUTO_TEST_CASE(connections_past_the_limit_get_503) {
  web::options opts;
  opts.max_connections = 2;
  auto s = start(opts);
  ws_client a(s.port(), with_token("/observer/socket"));
  ws_client b(s.port(), with_token("/observer/socket"));
  // Each socket has sent its first tree: both are counted by now.
  a.read();
  b.read();
  auto refused = http_get(s.port(), with_token("/"));
  BOOST_CHECK_EQUAL(refused.status, 503);
  BOOST_CHECK(contains(refused.body, "too many connections"));
  // A flood: each connection is answered 503 at once, and closed.
  auto statuses = web::test::http_flood(s.port(), 500,
                                        "GET /?token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n");
  BOOST_CHECK_EQUAL(std::count(statuses.begin(), statuses.end(), 503), 500);
  b.close();
  // b's slot is free once the server has seen it go; a keeps its own.
  web::test::http_answer after;
  do
    after = http_get(s.port(), with_token("/"));
  while (after.status == 503);
  BOOST_CHECK_EQUAL(after.status, 200);
}

BOOST_AUTO_TEST_CASE(an_app_socket_is_served_by_its_own_actor) {
  web::options opts;
  opts.apps.push_back(echo_app());
  auto s = start(opts);
  BOOST_CHECK(contains(http_get(s.port(), with_token("/echo")).body, "<title>echo</title>"));
  {
    ws_client c(s.port(), with_token("/echo/socket"));
    c.send("hello");
    BOOST_CHECK_EQUAL(c.read(), "echo: hello");
    // The actor ends: the socket closes after what it sent.
    c.send("quit");
    BOOST_CHECK_EQUAL(c.read(), "bye");
    BOOST_CHECK_THROW(c.read(), std::exception);
  }
  // The client goes: its actor is ended (the fixture waits for every actor).
  ws_client gone(s.port(), with_token("/echo/socket"));
  gone.send("x");
  BOOST_CHECK_EQUAL(gone.read(), "echo: x");
  gone.close();
}

BOOST_AUTO_TEST_CASE(oversized_frames_and_slow_readers_close_the_socket) {
  // The close code an echo socket answers `text` with, on a server with
  // `opts`; the server serves others on.
  auto closed_with = [this](web::options opts, const std::string& text) {
    opts.apps.push_back(echo_app());
    auto s = start(opts);
    ws_client c(s.port(), with_token("/echo/socket"));
    c.send(text);
    BOOST_CHECK_THROW(c.read(), std::exception);
    ws_client ok(s.port(), with_token("/echo/socket"));
    ok.send("still here");
    BOOST_CHECK_EQUAL(ok.read(), "echo: still here");
    return c.close_code();
  };
  web::options small_frames;
  small_frames.max_frame_bytes = 1024;
  BOOST_CHECK_EQUAL(closed_with(small_frames, std::string(4096, 'x')), 1009);
  // The echo (206 bytes) is more than may wait for this client at once: a
  // client that does not keep up is cut off.
  web::options small_queue;
  small_queue.max_queued_bytes = 100;
  BOOST_CHECK_EQUAL(closed_with(small_queue, std::string(200, 'y')), 1008);
}

BOOST_AUTO_TEST_CASE(a_client_that_falls_behind_while_a_frame_is_written_is_cut_off) {
  // The app sends 20 frames of 512 KB at once to a client that reads none
  // until they are all sent: the queue overflows while a frame is on its
  // way, which must be written whole before the socket closes with 1008.
  auto all_sent = std::make_shared<std::promise<void>>();
  web::options opts;
  opts.max_queued_bytes = 1024 * 1024;
  opts.apps.push_back(
    {"/flood", "<!doctype html>", [all_sent](caf::actor_system& sys, web::peer client) {
       return sys.spawn([client, all_sent](caf::event_based_actor*) -> caf::behavior {
         return {[=](web::text_atom, const std::string&) {
           for (int i = 0; i < 20; ++i)
             client.send(std::string(512 * 1024, static_cast<char>('a' + i)));
           all_sent->set_value();
         }};
       });
     }});
  auto s = start(opts);
  ws_client c(s.port(), with_token("/flood/socket"));
  c.send("go");
  all_sent->get_future().wait();
  std::size_t whole_frames = 0;
  try {
    while (true)
      if (c.read() == std::string(512 * 1024, static_cast<char>('a' + whole_frames)))
        ++whole_frames;
  } catch (const std::exception&) {
  }
  BOOST_CHECK_EQUAL(c.close_code(), 1008);
  BOOST_CHECK_LT(whole_frames, 20u);
}

BOOST_AUTO_TEST_CASE(the_observer_shows_the_tree_and_kills_on_request) {
  auto root = start_supervisor(sys, flags, {worker_child("db"), worker_child("cache")});
  BOOST_REQUIRE(root);
  auto s = start();
  ws_client page(s.port(), with_token("/observer/socket"));
  auto tree = page.read_until(tree_shows("db", 0));
  BOOST_CHECK(contains(tree, "\"strategy\":\"one_for_one\""));
  auto db = actor_of(tree, "db");
  BOOST_REQUIRE_NE(db, 0u);
  page.send(R"({"op":"kill","actor":)" + std::to_string(db) + R"(,"reason":"error"})");
  auto reports = page.read_until([](const std::string& m) {
    return contains(m, "\"type\":\"reports\"") && contains(m, "child_restarted");
  });
  BOOST_CHECK(contains(reports, "killed from the observer"));
  auto after = page.read_until(tree_shows("db", 1));
  BOOST_CHECK_NE(actor_of(after, "db"), db);
  // Bad requests are answered and change nothing.
  for (auto bad : {std::string{"{"}, std::string{R"({"op":"launch"})"},
                   std::string{R"({"op":"kill","actor":999999999})"},
                   std::string{R"({"op":"kill","actor":"db"})"},
                   R"({"op":"kill","actor":)" + std::to_string(db) + R"(,"reason":"nuke"})"}) {
    page.send(bad);
    page.read_until([](const std::string& m) { return contains(m, "\"type\":\"error\""); });
  }
  page.read_until(tree_shows("db", 1));
  page.read_until(tree_shows("cache", 0));
  caf::anon_send_exit(*root, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(the_observer_pages_large_supervisors) {
  dynamic_supervisor_flags quiet;
  quiet.reports = null_report_sink();
  auto sup = start_dynamic_supervisor(sys, quiet);
  BOOST_REQUIRE(sup);
  for (int i = 0; i < 120; ++i)
    BOOST_REQUIRE(start_child(*sup, worker_child("w" + std::to_string(i))));
  auto s = start();
  ws_client page(s.port(), with_token("/observer/socket"));
  auto tree
    = page.read_until([](const std::string& m) { return contains(m, "\"type\":\"tree\""); });
  BOOST_CHECK(contains(tree, "\"child_count\":120"));
  BOOST_CHECK(contains(tree, "\"id\":\"w49\""));
  BOOST_CHECK(!contains(tree, "\"id\":\"w50\""));
  page.send(R"({"op":"page","supervisor":)" + std::to_string(sup->id()) + R"(,"first":100})");
  auto paged = page.read_until(
    [](const std::string& m) { return contains(m, "\"first\":100") && contains(m, "\"w119\""); });
  BOOST_CHECK(!contains(paged, "\"id\":\"w99\""));
  caf::anon_send_exit(*sup, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(metrics_count_restarts_children_and_tables) {
  auto root = start_supervisor(sys, flags, {worker_child("db"), worker_child("cache")});
  BOOST_REQUIRE(root);
  auto children = which_children(*root);
  BOOST_REQUIRE(children);
  std::promise<void> restarted;
  auto sub = subscribe_reports(sys, [&](const report& r) {
    if (r.kind == report_kind::child_restarted)
      restarted.set_value();
  });
  caf::anon_send_exit((*children)[0].actor, caf::exit_reason::kill);
  restarted.get_future().wait();
  sub.cancel();
  auto path = "/tmp/kintsugi-web-metrics-" + std::to_string(::getpid()) + ".table";
  std::remove(path.c_str());
  auto durable = *ets::durable_set<std::string, int>::open(path);
  BOOST_REQUIRE(!durable.insert("a", 1));
  auto s = start();
  auto m = http_get(s.port(), with_token("/metrics"));
  BOOST_CHECK_EQUAL(m.status, 200);
  BOOST_CHECK(contains(m.content_type, "text/plain; version=0.0.4"));
  BOOST_CHECK(contains(m.body, "# TYPE kintsugi_child_restarts_total counter\n"
                               "kintsugi_child_restarts_total 1\n"));
  BOOST_CHECK(contains(m.body, "kintsugi_child_exits_total{class=\"killed\"} 1\n"));
  BOOST_CHECK(contains(m.body, "kintsugi_child_starts_total 2\n"));
  BOOST_CHECK(contains(m.body, "kintsugi_supervisor_children{supervisor=\"" + describe(*root)->name
                                 + "\",actor=\"" + std::to_string(root->id()) + "\"} 2\n"));
  BOOST_CHECK(contains(m.body, "kintsugi_durable_objects{file=\"" + path + "\",kind=\"set\"} 1\n"));
  BOOST_CHECK(
    contains(m.body, "kintsugi_durable_syncs_total{file=\"" + path + "\",kind=\"set\"} "));
  BOOST_CHECK(!durable.close());
  std::remove(path.c_str());
  std::remove((path + "-lock").c_str());
  caf::anon_send_exit(*root, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
