#pragma once

// A whole game, as a value: two players, their boards and guesses, and the
// rules. Every operation checks the rules first and changes nothing when it
// fails. The game server (server/) keeps one of these per game.

#include <set>
#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

#include "board.hpp"
#include "rules.hpp"

namespace islands {

/// A player's own guesses at the opponent's board.
struct guesses {
  std::set<coordinate> hits;
  std::set<coordinate> misses;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, guesses& x) {
  return f(caf::meta::type_name("islands::guesses"), x.hits, x.misses);
}

struct player_state {
  std::string name;
  islands::board board;
  islands::guesses guesses;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, player_state& x) {
  return f(caf::meta::type_name("islands::player_state"), x.name, x.board, x.guesses);
}

struct game {
  player_state player1;
  player_state player2;
  islands::rules rules;

  static game create(std::string first_player);

  caf::error add_player(std::string name);
  /// Checks as the book's IslandsEngine does, in its order: the rules state
  /// (a refusal there is `not_allowed`, whatever the arguments), the
  /// coordinate, the island type, whether the island fits the board, and
  /// whether it overlaps another.
  caf::error position_island(player p, std::string_view type, int row, int col);
  caf::error position_island(player p, island_type type, int row, int col);
  /// The rules state, then that all islands are positioned. A player who has
  /// set their islands may set them again while the other has not.
  caf::error set_islands(player p);
  caf::expected<guess_result> guess(player p, int row, int col);

  player_state& of(player p) {
    return p == player::one ? player1 : player2;
  }
  const player_state& of(player p) const {
    return p == player::one ? player1 : player2;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, game& x) {
  return f(caf::meta::type_name("islands::game"), x.player1, x.player2, x.rules);
}

/// Both boards as text, seen by `p`: its own islands and the hits on them,
/// and the opponent's board as its guesses show it.
std::string draw(const game& g, player p);

} // namespace islands
