#pragma once

// `islands serve`: games between simulated players, one driver actor per
// game, with crashes of the game actors injected between moves.

#include <cstddef>
#include <memory>

#include <caf/fwd.hpp>

#include "kintsugi/registry.hpp"

#include "server/game_server.hpp"

namespace islands {

struct simulation_outcome {
  double seconds = 0;
  std::size_t crashes = 0;
  /// Games that ended with player 1 winning after exactly the expected
  /// guesses: none lost, none repeated, whatever crashed meanwhile.
  std::size_t correct = 0;
};

/// Plays `games` games under the game supervisor `games_sup` at once; after
/// each move, a game crashes with probability `crash_probability`.
simulation_outcome simulate(caf::actor_system& sys, const caf::actor& games_sup,
                            std::shared_ptr<kintsugi::registry> names, game_vault vault,
                            std::size_t games, double crash_probability);

} // namespace islands
