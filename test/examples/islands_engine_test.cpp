// The Islands engine on its own: no actors.

#include <boost/test/unit_test.hpp>

#include "engine/command.hpp"
#include "engine/error.hpp"
#include "engine/game.hpp"
#include "sample_game.hpp"

using namespace islands;

namespace {

bool is(const caf::error& err, errc code) {
  return err.category() == error_category && err.code() == static_cast<uint8_t>(code);
}

std::set<coordinate> squares(island_type t, int row, int col) {
  return make_island(t, coordinate{row, col})->squares;
}

// Both players in, and `ps` with all their islands positioned.
game placed_game(std::initializer_list<player> ps) {
  auto g = game::create("A");
  BOOST_REQUIRE(!g.add_player("B"));
  for (auto p : ps)
    for (auto& x : sample_layout())
      BOOST_REQUIRE(!g.position_island(p, x.type, x.upper_left.row, x.upper_left.col));
  return g;
}

// Player 1's islands positioned, nobody's set.
game ready_game_of_one() {
  return placed_game({player::one});
}

// Both players placed and set: player 1's turn.
game ready_game() {
  auto g = placed_game({player::one, player::two});
  for (auto p : {player::one, player::two})
    BOOST_REQUIRE(!g.set_islands(p));
  return g;
}

} // namespace

BOOST_AUTO_TEST_SUITE(islands_engine)

BOOST_AUTO_TEST_CASE(coordinates_lie_on_the_board) {
  BOOST_TEST(static_cast<bool>(make_coordinate(1, 1)));
  BOOST_TEST(static_cast<bool>(make_coordinate(10, 10)));
  for (auto [r, c] : {std::pair{0, 1}, {1, 0}, {11, 1}, {1, 11}, {-1, 5}})
    BOOST_TEST(is(make_coordinate(r, c).error(), errc::invalid_coordinate));
}

BOOST_AUTO_TEST_CASE(every_island_has_its_shape) {
  using set = std::set<coordinate>;
  BOOST_TEST((squares(island_type::square, 1, 1) == set{{1, 1}, {1, 2}, {2, 1}, {2, 2}}));
  BOOST_TEST((squares(island_type::atoll, 1, 1) == set{{1, 1}, {1, 2}, {2, 2}, {3, 1}, {3, 2}}));
  BOOST_TEST((squares(island_type::dot, 4, 4) == set{{4, 4}}));
  BOOST_TEST((squares(island_type::l_shape, 1, 1) == set{{1, 1}, {2, 1}, {3, 1}, {3, 2}}));
  BOOST_TEST((squares(island_type::s_shape, 1, 1) == set{{1, 2}, {1, 3}, {2, 1}, {2, 2}}));
  // Each leaves the board from its bottom-right corner.
  for (auto t : all_island_types)
    BOOST_TEST(
      (t == island_type::dot || is(make_island(t, {10, 10}).error(), errc::invalid_coordinate)));
  BOOST_TEST(is(make_island(island_type::atoll, {9, 1}).error(), errc::invalid_coordinate));
  BOOST_TEST(is(parse_island_type("volcano").error(), errc::invalid_island_type));
  BOOST_TEST((*parse_island_type("l_shape") == island_type::l_shape));
}

BOOST_AUTO_TEST_CASE(a_board_refuses_overlaps_and_replaces_a_type) {
  board b;
  BOOST_TEST(!b.position(*make_island(island_type::square, {1, 1})));
  BOOST_TEST(is(b.position(*make_island(island_type::dot, {2, 2})), errc::overlapping_island));
  BOOST_TEST(!b.position(*make_island(island_type::square, {5, 5})));
  BOOST_TEST(!b.position(*make_island(island_type::dot, {2, 2})));
  BOOST_TEST(b.islands.size() == 2u);
  BOOST_TEST(!b.all_positioned());
}

BOOST_AUTO_TEST_CASE(guesses_hit_miss_forest_and_win) {
  board b;
  for (auto& x : sample_layout())
    BOOST_REQUIRE(!b.position(*make_island(x.type, x.upper_left)));
  auto miss = b.guess({10, 10});
  BOOST_TEST(!miss.hit);
  BOOST_TEST(!miss.forested);
  auto dot = b.guess({1, 5});
  BOOST_TEST(dot.hit);
  BOOST_TEST((dot.forested && *dot.forested == island_type::dot));
  BOOST_TEST(!dot.win);
  guess_result last;
  for (auto& c : sample_targets())
    last = b.guess(c);
  BOOST_TEST(last.win);
}

BOOST_AUTO_TEST_CASE(every_illegal_transition_is_refused_and_changes_nothing) {
  rules r;
  BOOST_TEST(is(r.position_islands(player::one), errc::not_allowed));
  BOOST_TEST(is(r.set_islands(player::one), errc::not_allowed));
  BOOST_TEST(is(r.guess(player::one), errc::not_allowed));
  BOOST_TEST(is(r.win_check(false), errc::not_allowed));
  BOOST_TEST(!r.add_player());
  BOOST_TEST((r.phase == game_phase::players_set));
  BOOST_TEST(is(r.add_player(), errc::not_allowed));
  BOOST_TEST(is(r.guess(player::one), errc::not_allowed));
  BOOST_TEST(!r.position_islands(player::two));
  BOOST_TEST(!r.set_islands(player::one));
  BOOST_TEST(is(r.position_islands(player::one), errc::not_allowed));
  // Setting again, while the other player has not, is fine (the book's rules).
  BOOST_TEST(!r.set_islands(player::one));
  BOOST_TEST((r.phase == game_phase::players_set));
  BOOST_TEST(!r.set_islands(player::two));
  BOOST_TEST((r.phase == game_phase::player1_turn));
  BOOST_TEST(is(r.guess(player::two), errc::not_allowed));
  BOOST_TEST(is(r.position_islands(player::one), errc::not_allowed));
  BOOST_TEST(!r.guess(player::one));
  BOOST_TEST((r.phase == game_phase::player2_turn));
  BOOST_TEST(is(r.guess(player::one), errc::not_allowed));
  BOOST_TEST(!r.win_check(false));
  BOOST_TEST(!r.guess(player::two));
  BOOST_TEST((r.phase == game_phase::player1_turn));
  BOOST_TEST(!r.win_check(true));
  BOOST_TEST((r.phase == game_phase::game_over));
  for (auto p : {player::one, player::two}) {
    BOOST_TEST(is(r.guess(p), errc::not_allowed));
    BOOST_TEST(is(r.set_islands(p), errc::not_allowed));
    BOOST_TEST(is(r.position_islands(p), errc::not_allowed));
  }
  BOOST_TEST(is(r.add_player(), errc::not_allowed));
  BOOST_TEST(is(r.win_check(true), errc::not_allowed));
  BOOST_TEST((r.phase == game_phase::game_over));
}

BOOST_AUTO_TEST_CASE(position_island_checks_in_the_books_order) {
  auto g = game::create("A");
  // Before the second player: the rules refuse, whatever the arguments.
  BOOST_TEST(is(g.position_island(player::one, "no_such_type", 0, 99), errc::not_allowed));
  BOOST_TEST(!g.add_player("B"));
  BOOST_TEST(is(g.position_island(player::one, "no_such_type", 0, 1), errc::invalid_coordinate));
  BOOST_TEST(is(g.position_island(player::one, "no_such_type", 1, 1), errc::invalid_island_type));
  BOOST_TEST(is(g.position_island(player::one, "square", 10, 10), errc::invalid_coordinate));
  BOOST_TEST(!g.position_island(player::one, "square", 1, 1));
  BOOST_TEST(is(g.position_island(player::one, "dot", 2, 2), errc::overlapping_island));
  auto ready = ready_game();
  BOOST_TEST(is(ready.position_island(player::one, "no_such_type", 0, 1), errc::not_allowed));
}

BOOST_AUTO_TEST_CASE(a_player_may_set_islands_again_until_both_have) {
  auto g = ready_game_of_one();
  BOOST_TEST(!g.set_islands(player::one));
  BOOST_TEST(!g.set_islands(player::one));
  BOOST_TEST((g.rules.phase == game_phase::players_set));
  BOOST_TEST(is(g.position_island(player::one, "dot", 1, 1), errc::not_allowed));
}

BOOST_AUTO_TEST_CASE(a_game_needs_all_islands_and_keeps_each_players_guesses) {
  auto g = game::create("A");
  BOOST_TEST(!g.add_player("B"));
  BOOST_TEST(!g.position_island(player::one, island_type::dot, 1, 1));
  BOOST_TEST(is(g.set_islands(player::one), errc::not_all_islands_positioned));
  BOOST_TEST(is(g.position_island(player::one, island_type::dot, 0, 1), errc::invalid_coordinate));
  auto ready = ready_game();
  auto before = ready.rules.phase;
  BOOST_TEST(is(ready.guess(player::one, 11, 1).error(), errc::invalid_coordinate));
  BOOST_TEST((ready.rules.phase == before)); // an error changes nothing
  BOOST_TEST(!ready.guess(player::one, 10, 10)->hit);
  BOOST_TEST(ready.guess(player::two, 1, 1)->hit);
  BOOST_TEST(ready.player1.guesses.misses.count({10, 10}) == 1u);
  BOOST_TEST(ready.player2.guesses.hits.count({1, 1}) == 1u);
  BOOST_TEST(draw(ready, player::one).find("player1_turn") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(player_input_parses_or_says_what_is_wrong) {
  auto cmd = parse_command("  position 2 l_shape  3 4 ");
  BOOST_REQUIRE(cmd);
  BOOST_TEST((cmd->what == command::verb::position));
  BOOST_TEST(cmd->who == 2);
  BOOST_TEST(cmd->text == "l_shape");
  BOOST_TEST(cmd->row == 3);
  BOOST_TEST(cmd->col == 4);
  BOOST_TEST((parse_command("quit")->what == command::verb::quit));
  BOOST_TEST((parse_command("new Kusama")->text == "Kusama"));
  for (auto bad : {"", "   ", "fly 1", "guess 1 2", "guess 1 2 3 4", "set one", "set 1x",
                   "set 99999999999", "guess 1 -2147483649 1", "new", "quit now"})
    BOOST_TEST(is(parse_command(bad).error(), errc::bad_command), "'" << bad << "'");
  BOOST_TEST(describe(parse_command("set one").error()).find("usage: set P") != std::string::npos);
  // Out-of-range numbers parse: the game refuses them (unknown_player).
  BOOST_TEST(parse_command("set 3")->who == 3);
  BOOST_TEST(is(player_of(3).error(), errc::unknown_player));
  BOOST_TEST(is_blank(" \t\r"));
  BOOST_TEST(!is_blank(" x"));
}

BOOST_AUTO_TEST_SUITE_END()
