#include "island.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "error.hpp"

namespace islands {

namespace {

// Each shape as offsets (row, col) from its upper-left square.
std::vector<std::pair<int, int>> offsets(island_type type) {
  switch (type) {
    case island_type::square:
      return {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    case island_type::atoll:
      return {{0, 0}, {0, 1}, {1, 1}, {2, 0}, {2, 1}};
    case island_type::dot:
      return {{0, 0}};
    case island_type::l_shape:
      return {{0, 0}, {1, 0}, {2, 0}, {2, 1}};
    case island_type::s_shape:
      return {{0, 1}, {0, 2}, {1, 0}, {1, 1}};
  }
  return {};
}

} // namespace

const char* to_string(island_type x) noexcept {
  switch (x) {
    case island_type::atoll:
      return "atoll";
    case island_type::dot:
      return "dot";
    case island_type::l_shape:
      return "l_shape";
    case island_type::s_shape:
      return "s_shape";
    case island_type::square:
      return "square";
  }
  return "unknown";
}

caf::expected<island_type> parse_island_type(std::string_view name) {
  for (auto t : all_island_types)
    if (name == to_string(t))
      return t;
  return make_error(errc::invalid_island_type, std::string{name});
}

bool island::overlaps(const island& other) const {
  return std::any_of(squares.begin(), squares.end(),
                     [&](const coordinate& c) { return other.squares.count(c) > 0; });
}

bool island::guess(const coordinate& at) {
  if (squares.count(at) == 0)
    return false;
  hits.insert(at);
  return true;
}

caf::expected<island> make_island(island_type type, const coordinate& upper_left) {
  island result;
  result.type = type;
  for (auto [dr, dc] : offsets(type)) {
    auto c = make_coordinate(upper_left.row + dr, upper_left.col + dc);
    if (!c)
      return make_error(errc::invalid_coordinate, std::string{to_string(type)} + " at "
                                                    + to_string(upper_left) + " leaves the board");
    result.squares.insert(*c);
  }
  return result;
}

} // namespace islands
