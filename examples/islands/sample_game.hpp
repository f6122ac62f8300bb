#pragma once

// The game the demo and the simulated players play: both players place the
// same five islands; player 1 guesses every square of player 2's islands,
// player 2 only water, so player 1 wins on its 18th guess.

#include <cstddef>
#include <vector>

#include "engine/coordinate.hpp"
#include "engine/island.hpp"

namespace islands {

struct placement {
  island_type type;
  coordinate upper_left;
};

/// Where both players place their islands.
const std::vector<placement>& sample_layout();

/// Every square of the sample layout's islands, in layout order.
std::vector<coordinate> sample_targets();

/// The `i`th square without an island (rows 10 and 4), for i < 20.
coordinate water(std::size_t i);

} // namespace islands
