#include "board.hpp"

#include "error.hpp"

namespace islands {

caf::error board::position(island x) {
  for (auto& [type, other] : islands)
    if (type != x.type && x.overlaps(other))
      return make_error(errc::overlapping_island,
                        std::string{to_string(x.type)} + " overlaps " + to_string(type));
  islands[x.type] = std::move(x);
  return {};
}

guess_result board::guess(const coordinate& at) {
  guess_result result;
  for (auto& [type, x] : islands) {
    if (x.guess(at)) {
      result.hit = true;
      if (x.forested())
        result.forested = type;
      break;
    }
  }
  result.win = all_positioned();
  for (auto& entry : islands)
    result.win = result.win && entry.second.forested();
  return result;
}

std::optional<island_type> board::island_at(const coordinate& at) const {
  for (auto& [type, x] : islands)
    if (x.squares.count(at) > 0)
      return type;
  return std::nullopt;
}

bool board::hit_at(const coordinate& at) const {
  for (auto& entry : islands)
    if (entry.second.hits.count(at) > 0)
      return true;
  return false;
}

} // namespace islands
