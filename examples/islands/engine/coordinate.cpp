#include "coordinate.hpp"

#include "error.hpp"

namespace islands {

caf::expected<coordinate> make_coordinate(int row, int col) {
  if (row < 1 || row > board_size || col < 1 || col > board_size)
    return make_error(errc::invalid_coordinate,
                      "(" + std::to_string(row) + ", " + std::to_string(col) + ")");
  return coordinate{row, col};
}

std::string to_string(const coordinate& x) {
  return "(" + std::to_string(x.row) + ", " + std::to_string(x.col) + ")";
}

} // namespace islands
