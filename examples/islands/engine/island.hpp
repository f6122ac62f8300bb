#pragma once

// The five island types, their shapes, and an island placed on a board.

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

#include "coordinate.hpp"

namespace islands {

enum class island_type : uint8_t { atoll, dot, l_shape, s_shape, square };

constexpr std::array<island_type, 5> all_island_types{island_type::atoll, island_type::dot,
                                                      island_type::l_shape, island_type::s_shape,
                                                      island_type::square};

const char* to_string(island_type x) noexcept;

/// The type named `name` ("atoll", "dot", "l_shape", "s_shape", "square"),
/// or `errc::invalid_island_type`.
caf::expected<island_type> parse_island_type(std::string_view name);

/// An island: its squares, and those that were hit.
struct island {
  island_type type = island_type::dot;
  std::set<coordinate> squares;
  std::set<coordinate> hits;

  bool overlaps(const island& other) const;
  /// Hits the island if `at` is one of its squares; whether it did.
  bool guess(const coordinate& at);
  /// Every square hit.
  bool forested() const {
    return hits.size() == squares.size();
  }
};

/// The island of `type` whose upper-left offset lies at `upper_left`;
/// `errc::invalid_coordinate` when a square would leave the board.
caf::expected<island> make_island(island_type type, const coordinate& upper_left);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, island& x) {
  return f(caf::meta::type_name("islands::island"), x.type, x.squares, x.hits);
}

} // namespace islands
