#pragma once

// One player's board: at most one island of each type, and what the
// opponent's guesses did to them.

#include <map>
#include <optional>

#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

#include "island.hpp"

namespace islands {

/// What a guess answers.
struct guess_result {
  bool hit = false;
  /// The island the guess forested (all its squares hit), if any.
  caf::optional<island_type> forested;
  bool win = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, guess_result& x) {
  return f(caf::meta::type_name("islands::guess_result"), x.hit, x.forested, x.win);
}

struct board {
  std::map<island_type, island> islands;

  /// Places `x`, replacing the island of its type; `errc::overlapping_island`
  /// when it overlaps another one.
  caf::error position(island x);
  bool all_positioned() const {
    return islands.size() == all_island_types.size();
  }
  /// An opponent's guess at `at`.
  guess_result guess(const coordinate& at);
  /// The island type on `at`, if any.
  std::optional<island_type> island_at(const coordinate& at) const;
  bool hit_at(const coordinate& at) const;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, board& x) {
  return f(caf::meta::type_name("islands::board"), x.islands);
}

} // namespace islands
