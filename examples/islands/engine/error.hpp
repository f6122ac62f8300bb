#pragma once

// The Islands engine's errors: caf::error values of the "islands" category,
// so the game server answers them as they are.

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace islands {

constexpr caf::atom_value error_category = caf::atom("islands");

enum class errc : uint8_t {
  /// A row or column outside 1..10, or an island that would leave the board.
  invalid_coordinate = 1,
  /// No island type of that name.
  invalid_island_type,
  /// The island would overlap another one.
  overlapping_island,
  /// set_islands before all five types are positioned.
  not_all_islands_positioned,
  /// The rules do not allow this action now (whose turn, which state).
  not_allowed,
  /// No such player in this game.
  unknown_player,
  /// A line of input that is not a command (unknown verb, missing, extra or
  /// malformed arguments).
  bad_command,
};

const char* to_string(errc x) noexcept;

caf::error make_error(errc x, std::string what = {});

/// The error's code and text, e.g. "overlapping_island: atoll at (1, 1)".
std::string describe(const caf::error& err);

} // namespace islands
