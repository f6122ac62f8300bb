#pragma once

// A square of the 10x10 board, rows and columns 1..10.

#include <cstdint>
#include <string>

#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

namespace islands {

constexpr int board_size = 10;

struct coordinate {
  int row = 1;
  int col = 1;

  friend bool operator==(const coordinate& x, const coordinate& y) {
    return x.row == y.row && x.col == y.col;
  }
  friend bool operator<(const coordinate& x, const coordinate& y) {
    return x.row != y.row ? x.row < y.row : x.col < y.col;
  }
};

/// The coordinate, or `errc::invalid_coordinate` outside the board.
caf::expected<coordinate> make_coordinate(int row, int col);

std::string to_string(const coordinate& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, coordinate& x) {
  return f(caf::meta::type_name("islands::coordinate"), x.row, x.col);
}

} // namespace islands
