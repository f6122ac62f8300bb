#include "sample_game.hpp"

namespace islands {

const std::vector<placement>& sample_layout() {
  static const std::vector<placement> layout{{island_type::atoll, {1, 1}},
                                             {island_type::dot, {1, 5}},
                                             {island_type::l_shape, {5, 1}},
                                             {island_type::s_shape, {8, 5}},
                                             {island_type::square, {5, 8}}};
  return layout;
}

std::vector<coordinate> sample_targets() {
  std::vector<coordinate> out;
  for (auto& x : sample_layout()) {
    auto placed = make_island(x.type, x.upper_left);
    out.insert(out.end(), placed->squares.begin(), placed->squares.end());
  }
  return out;
}

coordinate water(std::size_t i) {
  return {i < 10 ? 10 : 4, static_cast<int>(i % 10) + 1};
}

} // namespace islands
