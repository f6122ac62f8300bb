#include "rules.hpp"

#include <string>

#include "error.hpp"

namespace islands {

namespace {

caf::error refuse(const char* action, game_phase phase) {
  return make_error(errc::not_allowed,
                    std::string{action} + " is not allowed in " + to_string(phase));
}

} // namespace

const char* to_string(player x) noexcept {
  return x == player::one ? "player1" : "player2";
}

caf::expected<player> player_of(int number) {
  if (number == 1)
    return player::one;
  if (number == 2)
    return player::two;
  return make_error(errc::unknown_player, "player " + std::to_string(number));
}

const char* to_string(game_phase x) noexcept {
  switch (x) {
    case game_phase::initialized:
      return "initialized";
    case game_phase::players_set:
      return "players_set";
    case game_phase::player1_turn:
      return "player1_turn";
    case game_phase::player2_turn:
      return "player2_turn";
    case game_phase::game_over:
      return "game_over";
  }
  return "unknown";
}

caf::error rules::add_player() {
  if (phase != game_phase::initialized)
    return refuse("add_player", phase);
  phase = game_phase::players_set;
  return {};
}

caf::error rules::position_islands(player p) const {
  if (phase != game_phase::players_set)
    return refuse("position_island", phase);
  if ((p == player::one ? player1_set : player2_set))
    return make_error(errc::not_allowed, std::string{to_string(p)} + " has set its islands");
  return {};
}

caf::error rules::set_islands(player p) {
  // The book's Rules.check({:set_islands, player}) in :players_set: setting
  // again is fine until both have set.
  if (phase != game_phase::players_set)
    return refuse("set_islands", phase);
  (p == player::one ? player1_set : player2_set) = true;
  if (player1_set && player2_set)
    phase = game_phase::player1_turn;
  return {};
}

caf::error rules::guess(player p) {
  if (phase == game_phase::player1_turn && p == player::one)
    phase = game_phase::player2_turn;
  else if (phase == game_phase::player2_turn && p == player::two)
    phase = game_phase::player1_turn;
  else
    return refuse(p == player::one ? "a guess by player1" : "a guess by player2", phase);
  return {};
}

caf::error rules::win_check(bool win) {
  if (phase != game_phase::player1_turn && phase != game_phase::player2_turn)
    return refuse("win_check", phase);
  if (win)
    phase = game_phase::game_over;
  return {};
}

} // namespace islands
