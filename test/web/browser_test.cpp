// End to end, in a real browser (Debian's chromium, headless): the observer
// shows the tree and kills a child that is then restarted; two tabs play a
// whole Islands game, with a crash of the game's actor and a reload of a
// tab in the middle, to a winner. With KINTSUGI_SCREENSHOTS=DIR set, the
// pages are saved there as PNGs (the README's screenshots).

#include <cstdlib>
#include <future>
#include <memory>
#include <string>

#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>

#include "fixture.hpp"
#include "headless_browser.hpp"
#include "kintsugi/kintsugi.hpp"
#include "kintsugi/web.hpp"
#include "sample_game.hpp"
#include "server/game_server.hpp"
#include "web/browser_player.hpp"

using namespace kintsugi;
using kintsugi::web::test::headless_browser;
using kintsugi::web::test::js_string;

namespace {

// The Islands program as `islands web` runs it.
struct islands_fixture : test::live_fixture {
  islands_fixture() {
    vault = *islands::game_vault::open(sys);
    dynamic_supervisor_flags games_flags;
    games_flags.intensity = 100;
    auto a = application::start(sys, "islands", flags,
                                {islands::game_supervisor_spec(games_flags)});
    BOOST_REQUIRE(a);
    app = std::make_unique<application>(std::move(*a));
    games = (*which_children(app->root()))[0].actor;
    web::options opts;
    opts.apps.push_back(islands::browser_app({names, vault, games}));
    auto s = web::serve(sys, opts);
    BOOST_REQUIRE(s);
    server = std::make_unique<web::server>(std::move(*s));
  }

  ~islands_fixture() {
    browser.reset();
    server.reset();
    app->stop();
    app->wait();
    vault.close();
  }

  void screenshot(headless_browser::tab& t, const std::string& name) {
    if (auto dir = std::getenv("KINTSUGI_SCREENSHOTS"))
      t.screenshot(std::string{dir} + "/" + name + ".png");
  }

  std::shared_ptr<registry> names = std::make_shared<registry>();
  islands::game_vault vault;
  std::unique_ptr<application> app;
  caf::actor games;
  std::unique_ptr<web::server> server;
  std::unique_ptr<headless_browser> browser = std::make_unique<headless_browser>();
};

std::string cell(const char* board, const islands::coordinate& at) {
  return std::string{"#"} + board + " [data-" + (std::string{board} == "own" ? "own" : "target")
         + "=\"" + std::to_string(at.row) + "," + std::to_string(at.col) + "\"]";
}

std::string phase_is(const std::string& phase) {
  return "document.getElementById('status').dataset.phase === " + js_string(phase);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(browser, islands_fixture)

BOOST_AUTO_TEST_CASE(the_observer_shows_the_tree_and_a_kill_is_restarted) {
  BOOST_REQUIRE(start_child(games, islands::game_spec("Kusama", vault, names)));
  auto page = browser->open(server->url("/"));
  auto row = std::string{"document.querySelector('tr[data-child=\"game Kusama\"]')"};
  page.wait_for(row + " && " + row + ".dataset.state === 'running'");
  page.wait_for(
    "document.querySelector('[data-supervisor=\"islands\"] [data-supervisor=\"games\"]')");
  auto before = *names->whereis("Kusama");
  page.eval(row + ".querySelector('select').value = 'error'");
  page.click("tr[data-child=\"game Kusama\"] button[data-kill]");
  // Restarted: running again, one restart counted, the reason shown.
  page.wait_for(row + " && " + row + ".dataset.state === 'running' && " + row
                + ".children[5].textContent === '1' && " + row
                + ".textContent.includes('killed from the observer')");
  page.wait_for("document.getElementById('reports').textContent.includes('restarted')");
  auto after = names->whereis("Kusama");
  BOOST_REQUIRE(after);
  BOOST_CHECK_NE(after->id(), before.id());
  page.wait_for("document.querySelector('[data-table]')");
  screenshot(page, "observer");
}

BOOST_AUTO_TEST_CASE(a_supervisor_of_100000_children_is_shown_a_page_at_a_time) {
  dynamic_supervisor_flags many;
  many.reports = null_report_sink();
  many.intensity = 10;
  auto crowd = start_dynamic_supervisor(sys, many);
  BOOST_REQUIRE(crowd);
  // Started from inside an actor, all requests at once: the blocking
  // helper's round trip per child would make this the slowest test.
  // Under the sanitizers (ten times slower to start a child) the same path
  // runs with a tenth of them.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  auto n = test::test_option("children", 10000);
#else
  auto n = test::test_option("children", 100000);
#endif
  std::promise<uint64_t> all_answered;
  sys.spawn([&, n, sup = *crowd](caf::event_based_actor* self) {
    auto started = std::make_shared<uint64_t>(0);
    auto answered = std::make_shared<uint64_t>(0);
    auto answer = [&all_answered, started, answered, n](bool ok) {
      *started += ok ? 1 : 0;
      if (++*answered == n)
        all_answered.set_value(*started);
    };
    for (uint64_t i = 0; i < n; ++i)
      self
        ->request(sup, caf::infinite, start_child_atom::value,
                  test::worker_child("w" + std::to_string(i)))
        .then([answer](caf::actor&) { answer(true); }, [answer](caf::error&) { answer(false); });
  });
  auto started = all_answered.get_future().get();
  BOOST_REQUIRE_EQUAL(started, n);
  auto page = browser->open(server->url("/"));
  auto pager = "document.querySelector('[data-supervisor=\"dynamic_supervisor\"] .pager')";
  page.wait_for(std::string{pager} + ".textContent.startsWith('children 1–50 of "
                + std::to_string(n) + "')");
  page.eval(std::string{pager} + ".querySelectorAll('button')[1].click()");
  page.wait_for(std::string{pager} + ".textContent.startsWith('children 51–100 of "
                + std::to_string(n) + "')");
  auto rows = page.eval(
    "document.querySelectorAll('[data-supervisor=\"dynamic_supervisor\"] tr[data-child]').length");
  BOOST_CHECK_EQUAL(std::get<double>(rows.data), 50.0);
  caf::anon_send_exit(*crowd, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(two_tabs_play_a_game_through_a_crash_and_a_reload) {
  auto one = browser->open(server->url("/islands"));
  auto two = browser->open(server->url("/islands"));
  for (auto* t : {&one, &two})
    t->wait_for("!document.getElementById('new').disabled");
  one.type("#name", "Kusama");
  one.click("#new");
  one.wait_for(phase_is("initialized"));
  two.type("#name", "Sharon");
  two.type("#game", "Kusama");
  two.click("#join");
  two.wait_for(phase_is("players_set"));
  one.wait_for(phase_is("players_set"));
  // A wrong move is refused, and says why.
  one.eval("document.querySelector('input[value=square]').checked = true");
  one.click(cell("own", {10, 10}));
  one.wait_for("document.getElementById('error').textContent.includes('coordinate')");
  for (auto* t : {&one, &two}) {
    for (auto& x : islands::sample_layout()) {
      t->eval("document.querySelector('input[value=" + std::string{islands::to_string(x.type)}
              + "]').checked = true");
      t->click(cell("own", x.upper_left));
    }
    t->wait_for("document.querySelectorAll('#own .land').length === 18");
    t->click("#set");
  }
  one.wait_for(phase_is("player1_turn")
               + " && document.getElementById('status').dataset.turn === 'true'");
  auto targets = islands::sample_targets();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (i == targets.size() / 2) {
      // The game's actor crashes; its supervisor restarts it from the vault,
      // and both pages go on from where they were.
      auto actor = one.eval("document.getElementById('actor').textContent");
      one.click("#crash");
      one.wait_for("document.getElementById('actor').textContent !== "
                   + js_string(std::get<std::string>(actor.data)));
      one.wait_for(phase_is("player1_turn"));
      screenshot(one, "islands");
      // A reload rejoins the game.
      two.reload();
      two.wait_for(phase_is("player1_turn") + " && document.getElementById('who').textContent"
                   + ".startsWith('Sharon (player 2)')");
    }
    one.click(cell("target", targets[i]));
    if (i + 1 == targets.size())
      break;
    one.wait_for(phase_is("player2_turn"));
    two.wait_for(phase_is("player2_turn"));
    two.click(cell("target", islands::water(i)));
    one.wait_for(phase_is("player1_turn"));
  }
  one.wait_for("document.getElementById('winner').textContent === 'You win!'");
  two.wait_for("document.getElementById('winner').textContent === 'Kusama wins.'");
  two.wait_for("document.querySelectorAll('#own .forested').length === 18");
  auto final_state = call_by_name<islands::game>(*names, "Kusama", std::chrono::seconds(5),
                                                 islands::state_atom::value);
  BOOST_REQUIRE(final_state);
  BOOST_CHECK(final_state->rules.phase == islands::game_phase::game_over);
  BOOST_CHECK_EQUAL(final_state->player1.guesses.hits.size(), 18u);
}

BOOST_AUTO_TEST_SUITE_END()
