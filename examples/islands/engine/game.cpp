#include "game.hpp"

#include <sstream>

#include "error.hpp"

namespace islands {

game game::create(std::string first_player) {
  game g;
  g.player1.name = std::move(first_player);
  return g;
}

caf::error game::add_player(std::string name) {
  auto next = rules;
  if (auto err = next.add_player())
    return err;
  player2.name = std::move(name);
  rules = next;
  return {};
}

caf::error game::position_island(player p, std::string_view type, int row, int col) {
  if (auto err = rules.position_islands(p))
    return err;
  auto at = make_coordinate(row, col);
  if (!at)
    return at.error();
  auto kind = parse_island_type(type);
  if (!kind)
    return kind.error();
  auto x = make_island(*kind, *at);
  if (!x)
    return x.error();
  return of(p).board.position(std::move(*x));
}

caf::error game::position_island(player p, island_type type, int row, int col) {
  return position_island(p, to_string(type), row, col);
}

caf::error game::set_islands(player p) {
  auto next = rules;
  if (auto err = next.set_islands(p))
    return err;
  if (!of(p).board.all_positioned())
    return make_error(errc::not_all_islands_positioned, to_string(p));
  rules = next;
  return {};
}

caf::expected<guess_result> game::guess(player p, int row, int col) {
  auto next = rules;
  if (auto err = next.guess(p))
    return err;
  auto at = make_coordinate(row, col);
  if (!at)
    return at.error();
  auto& opponent = of(p == player::one ? player::two : player::one);
  auto result = opponent.board.guess(*at);
  if (auto err = next.win_check(result.win))
    return err;
  auto& mine = of(p).guesses;
  (result.hit ? mine.hits : mine.misses).insert(*at);
  rules = next;
  return result;
}

std::string draw(const game& g, player p) {
  auto& me = g.of(p);
  auto& them = g.of(p == player::one ? player::two : player::one);
  std::ostringstream out;
  out << "   your board (" << (me.name.empty() ? to_string(p) : me.name) << ")"
      << std::string(8, ' ') << "guesses at " << (them.name.empty() ? "opponent" : them.name)
      << "\n   1 2 3 4 5 6 7 8 9 10        1 2 3 4 5 6 7 8 9 10\n";
  for (int r = 1; r <= board_size; ++r) {
    out << (r < 10 ? " " : "") << r << ' ';
    for (int c = 1; c <= board_size; ++c) {
      coordinate at{r, c};
      auto island = me.board.island_at(at);
      out << (me.board.hit_at(at) ? 'X' : island ? 'O' : '.') << ' ';
    }
    out << "     " << (r < 10 ? " " : "") << r << ' ';
    for (int c = 1; c <= board_size; ++c) {
      coordinate at{r, c};
      out << (me.guesses.hits.count(at) ? 'X' : me.guesses.misses.count(at) ? 'o' : '.') << ' ';
    }
    out << '\n';
  }
  out << "   O island  X hit  o miss   state: " << to_string(g.rules.phase) << '\n';
  return out.str();
}

} // namespace islands
