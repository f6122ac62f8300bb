#pragma once

// The rules as a state machine (IslandsEngine's Rules): which action is
// allowed in which state, and where it leads. An action that is not allowed
// is an error and leaves the rules as they were.

#include <cstdint>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

namespace islands {

enum class player : uint8_t { one, two };

const char* to_string(player x) noexcept;

/// Player 1 or 2 by number, as players name themselves in requests;
/// `errc::unknown_player` for any other number.
caf::expected<player> player_of(int number);

enum class game_phase : uint8_t { initialized, players_set, player1_turn, player2_turn, game_over };

const char* to_string(game_phase x) noexcept;

struct rules {
  game_phase phase = game_phase::initialized;
  bool player1_set = false;
  bool player2_set = false;

  caf::error add_player();
  caf::error position_islands(player p) const;
  caf::error set_islands(player p);
  caf::error guess(player p);
  /// After a guess: a win ends the game.
  caf::error win_check(bool win);
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rules& x) {
  return f(caf::meta::type_name("islands::rules"), x.phase, x.player1_set, x.player2_set);
}

} // namespace islands
