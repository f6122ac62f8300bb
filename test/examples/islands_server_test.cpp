// The game server over its actor protocol, on the deterministic scheduler.

#include <cstdio>

#include <unistd.h>

#include "fixture.hpp"

#include "engine/error.hpp"
#include "sample_game.hpp"
#include "server/game_server.hpp"

using namespace kintsugi;
using namespace islands;
using namespace std::chrono_literals;

namespace {

bool is(const caf::error& err, islands::errc code) {
  return err.category() == islands::error_category && err.code() == static_cast<uint8_t>(code);
}

struct server_fixture : kintsugi::test::fixture {
  std::shared_ptr<registry> names = std::make_shared<registry>();
  game_vault vault = *game_vault::open(sys);
  caf::actor games;

  server_fixture() {
    auto sup = spawn_dynamic_sup(dynamic_flags(100));
    games = sup;
  }

  ~server_fixture() {
    self->send_exit(games, caf::exit_reason::user_shutdown);
    run();
    vault.close();
    run();
  }

  caf::actor start(const std::string& name, server_settings settings = {}) {
    auto g = call<caf::actor>(games, start_child_atom::value,
                              game_spec(name, vault, names, settings));
    BOOST_REQUIRE(g);
    return *g;
  }

  caf::actor game_of(const std::string& name) {
    return *names->whereis(name);
  }

  template <class T = caf::ok_atom, class... Ts>
  caf::expected<T> ask(const std::string& name, Ts... xs) {
    return call<T>(game_of(name), xs...);
  }

  // Drives the game of `name` into `phase`.
  void reach(const std::string& name, game_phase phase) {
    if (phase == game_phase::initialized)
      return;
    auto joined = ask(name, add_player_atom::value, std::string{"B"});
    if (!joined)
      BOOST_FAIL("join: " << describe(joined.error()));
    for (int who : {1, 2})
      for (auto& x : sample_layout())
        BOOST_REQUIRE(ask(name, position_atom::value, who, std::string{to_string(x.type)},
                          x.upper_left.row, x.upper_left.col));
    if (phase == game_phase::players_set)
      return;
    BOOST_REQUIRE(ask<board>(name, set_islands_atom::value, 1));
    BOOST_REQUIRE(ask<board>(name, set_islands_atom::value, 2));
    if (phase == game_phase::player1_turn)
      return;
    auto targets = sample_targets();
    for (std::size_t i = 0; i < targets.size(); ++i) {
      auto r = ask<guess_result>(name, guess_atom::value, 1, targets[i].row, targets[i].col);
      BOOST_REQUIRE(r);
      if (phase == game_phase::player2_turn || r->win)
        return;
      BOOST_REQUIRE(ask<guess_result>(name, guess_atom::value, 2, water(i).row, water(i).col));
    }
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(islands_server, server_fixture)

BOOST_AUTO_TEST_CASE(a_whole_game_over_the_protocol_with_every_error_answered) {
  start("A");
  BOOST_TEST(
    is(ask<guess_result>("A", guess_atom::value, 1, 1, 1).error(), islands::errc::not_allowed));
  reach("A", game_phase::players_set);
  BOOST_TEST(
    is(ask("A", add_player_atom::value, std::string{"C"}).error(), islands::errc::not_allowed));
  BOOST_TEST(is(ask("A", position_atom::value, 3, std::string{"dot"}, 1, 1).error(),
                islands::errc::unknown_player));
  BOOST_TEST(is(ask("A", position_atom::value, 1, std::string{"volcano"}, 1, 1).error(),
                islands::errc::invalid_island_type));
  BOOST_TEST(is(ask("A", position_atom::value, 1, std::string{"square"}, 10, 10).error(),
                islands::errc::invalid_coordinate));
  BOOST_TEST(is(ask("A", position_atom::value, 1, std::string{"dot"}, 1, 1).error(),
                islands::errc::overlapping_island));
  auto set = ask<board>("A", set_islands_atom::value, 1);
  BOOST_REQUIRE(set);
  BOOST_TEST(set->islands.size() == sample_layout().size());
  BOOST_TEST(is(ask("A", position_atom::value, 1, std::string{"dot"}, 9, 9).error(),
                islands::errc::not_allowed));
  // Again, while player 2 has not set: ok with the board again.
  auto again = ask<board>("A", set_islands_atom::value, 1);
  BOOST_REQUIRE(again);
  BOOST_TEST(again->islands.size() == sample_layout().size());
  BOOST_TEST(static_cast<bool>(ask<board>("A", set_islands_atom::value, 2)));
  BOOST_TEST(
    is(ask<guess_result>("A", guess_atom::value, 2, 1, 1).error(), islands::errc::not_allowed));
  BOOST_TEST(is(ask<guess_result>("A", guess_atom::value, 1, 0, 1).error(),
                islands::errc::invalid_coordinate));
  // Finish it: player 1 wins.
  auto targets = sample_targets();
  guess_result last;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    last = *ask<guess_result>("A", guess_atom::value, 1, targets[i].row, targets[i].col);
    if (last.win)
      break;
    ask<guess_result>("A", guess_atom::value, 2, water(i).row, water(i).col);
  }
  BOOST_TEST(last.win);
  BOOST_TEST((ask<game>("A", state_atom::value)->rules.phase == game_phase::game_over));
  BOOST_TEST(!fixture::is_dead(game_of("A")));
}

BOOST_AUTO_TEST_CASE(a_crash_in_every_rule_state_resumes_exactly_where_it_was) {
  int n = 0;
  for (auto phase : {game_phase::initialized, game_phase::players_set, game_phase::player1_turn,
                     game_phase::player2_turn, game_phase::game_over}) {
    auto name = "G" + std::to_string(n++);
    start(name);
    reach(name, phase);
    auto before = *ask<game>(name, state_atom::value);
    BOOST_TEST((before.rules.phase == phase));
    auto first = game_of(name);
    crash(first);
    auto second = await_name(*names, name, first);
    auto after = *ask<game>(name, state_atom::value);
    BOOST_TEST((after.rules.phase == phase), to_string(phase));
    BOOST_TEST(after.player1.guesses.hits.size() == before.player1.guesses.hits.size());
    BOOST_TEST(after.player2.guesses.misses.size() == before.player2.guesses.misses.size());
    BOOST_TEST(after.player2.name == before.player2.name);
    BOOST_TEST(after.player2.board.islands.size() == before.player2.board.islands.size());
  }
}

BOOST_AUTO_TEST_CASE(messages_sent_during_a_restart_are_answered_against_the_restored_state) {
  start("A");
  reach("A", game_phase::player1_turn);
  auto first = game_of("A");
  // The crash (a thrown exception) and the guess right behind it, before
  // anything runs: the guess waits for the restored state.
  self->send(first, crash_atom::value);
  run();
  auto second = await_name(*names, "A", first);
  auto handle = self->request(second, caf::infinite, guess_atom::value, 1, 1, 1);
  run();
  handle.receive([](guess_result& r) { BOOST_TEST(r.hit); },
                 [](caf::error& err) { BOOST_FAIL(describe(err)); });
}

BOOST_AUTO_TEST_CASE(an_idle_game_ends_itself_and_removes_its_state) {
  server_settings settings;
  settings.inactivity = 10s;
  auto g = start("Idle", settings);
  reach("Idle", game_phase::players_set);
  self->monitor(g);
  sched.advance_time(10s);
  run();
  caf::error reason = caf::sec::runtime_error;
  self->receive([&](caf::down_msg& down) { reason = down.reason; });
  BOOST_TEST(!reason); // a normal end: not restarted
  BOOST_TEST(!names->whereis("Idle"));
  BOOST_TEST(!vault.restore("Idle")->has_value());
  BOOST_TEST(children(games).empty());
}

BOOST_AUTO_TEST_CASE(the_supervisor_starts_and_stops_games_by_name) {
  for (auto name : {"A", "B", "C"})
    start(name);
  BOOST_TEST(children(games).size() == 3u);
  // A second game under a name in use is refused.
  BOOST_TEST(call<caf::actor>(games, start_child_atom::value, game_spec("B", vault, names)).error()
             == kintsugi::errc::start_failed);
  reach("B", game_phase::players_set);
  BOOST_TEST(*ask("B", stop_atom::value) == caf::ok_atom::value);
  run();
  BOOST_TEST(!names->whereis("B"));
  BOOST_TEST(children(games).size() == 2u);
  BOOST_TEST(!vault.restore("B")->has_value());
  // A new game under the same name starts empty.
  start("B");
  BOOST_TEST((ask<game>("B", state_atom::value)->rules.phase == game_phase::initialized));
}

BOOST_AUTO_TEST_CASE(a_durable_game_survives_a_restart_of_the_whole_system) {
  std::string path = "/tmp/kintsugi-islands-" + std::to_string(::getpid());
  std::remove(path.c_str());
  std::remove((path + "-lock").c_str());
  kintsugi::ets::vault_options opts;
  opts.durable_path = path;
  {
    caf::actor_system_config cfg1;
    cfg1.set("scheduler.policy", caf::atom("testing"));
    caf::actor_system sys1{cfg1};
    auto& sched1 = dynamic_cast<caf::scheduler::test_coordinator&>(sys1.scheduler());
    caf::scoped_actor self1{sys1};
    auto v = *game_vault::open(sys1, opts);
    auto names1 = std::make_shared<registry>();
    auto sup = spawn_dynamic_supervisor(sys1, dynamic_supervisor_flags{});
    sched1.run();
    auto started = self1->request(sup, caf::infinite, start_child_atom::value,
                                  game_spec("Durable", v, names1));
    sched1.run();
    caf::actor g;
    started.receive([&](caf::actor& x) { g = x; }, [](caf::error& e) { BOOST_FAIL(render(e)); });
    auto joined = self1->request(g, caf::infinite, add_player_atom::value, std::string{"B"});
    sched1.run();
    joined.receive([](caf::ok_atom) {}, [](caf::error& e) { BOOST_FAIL(describe(e)); });
    // The program shuts down in order: the game is stopped, not ended.
    self1->send_exit(sup, caf::exit_reason::user_shutdown);
    sched1.run();
    v.close();
    sched1.run();
  }
  vault.close();
  run();
  vault = *game_vault::open(sys, opts);
  start("Durable");
  auto g = ask<game>("Durable", state_atom::value);
  BOOST_TEST((g->rules.phase == game_phase::players_set));
  BOOST_TEST(g->player2.name == "B");
  std::remove(path.c_str());
  std::remove((path + "-lock").c_str());
}

BOOST_AUTO_TEST_SUITE_END()
