#pragma once

// The game server: one supervised actor per game, found by the first
// player's name, its state kept in a vault so that a crash loses nothing.
//
// Protocol (players are 1 and 2); every rule error is answered as an
// islands::errc error, never a crash:
//   (add_player_atom, std::string name)                        -> ok_atom
//   (position_atom, int player, std::string type, int row, int col) -> ok_atom
//   (set_islands_atom, int player)                             -> board (the player's)
//   (guess_atom, int player, int row, int col)                 -> guess_result
//   (state_atom)                                               -> game
//   (stop_atom)                                                -> ok_atom; the game ends
//                                                                 and its saved state goes
//   (crash_atom)                                               -> throws (demos inject crashes)
// A game with no message for `inactivity` ends itself the same way as stop.

#include <chrono>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include "kintsugi/ets/state_vault.hpp"
#include "kintsugi/kintsugi.hpp"

#include "../engine/game.hpp"

namespace islands {

using add_player_atom = caf::atom_constant<caf::atom("add_player")>;
using position_atom = caf::atom_constant<caf::atom("position")>;
using set_islands_atom = caf::atom_constant<caf::atom("set_isles")>;
using guess_atom = caf::atom_constant<caf::atom("guess")>;
using state_atom = caf::atom_constant<caf::atom("state")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;

using game_vault = kintsugi::ets::state_vault<game>;

struct server_settings {
  /// A game with no message for this long ends itself (default: one day).
  std::chrono::milliseconds inactivity = std::chrono::hours{24};
};

/// The actor of the game started by `first_player`.
caf::behavior game_server(caf::stateful_actor<kintsugi::ets::kept<game>>* self, game_vault vault,
                          std::string first_player, server_settings settings);

/// The child spec of that game: transient (a game that ended is not
/// restarted, a crashed one is), registered as `first_player` in `names`.
kintsugi::child_spec game_spec(const std::string& first_player, game_vault vault,
                               std::shared_ptr<kintsugi::registry> names,
                               server_settings settings = {});

/// The game supervisor: a dynamic supervisor of games.
kintsugi::child_spec game_supervisor_spec(kintsugi::dynamic_supervisor_flags flags = {});

} // namespace islands
