// Fuzzes what `islands play` reads from its players: lines of commands,
// parsed and applied to a game. Properties: a line is a command or a
// bad_command error; the game answers every command with a result or an
// Islands error, never a crash; a refused command changes nothing.

#include <string>
#include <string_view>

#include "engine/command.hpp"
#include "engine/error.hpp"
#include "engine/game.hpp"
#include "fuzz_target.hpp"
#include "sample_game.hpp"

namespace {

using islands::command;

// Everything a player can see of the game: both boards, from both sides,
// with the phase.
std::string seen(const islands::game& g) {
  return islands::draw(g, islands::player::one) + islands::draw(g, islands::player::two);
}

caf::error apply(islands::game& g, const command& cmd) {
  auto who = islands::player_of(cmd.who);
  switch (cmd.what) {
    case command::verb::new_game:
      g = islands::game::create(cmd.text);
      return {};
    case command::verb::join:
      return g.add_player(cmd.text);
    case command::verb::position: {
      if (!who)
        return who.error();
      auto type = islands::parse_island_type(cmd.text);
      if (!type)
        return type.error();
      return g.position_island(*who, *type, cmd.row, cmd.col);
    }
    case command::verb::set:
      return who ? g.set_islands(*who) : who.error();
    case command::verb::guess: {
      if (!who)
        return who.error();
      auto r = g.guess(*who, cmd.row, cmd.col);
      return r ? caf::error{} : r.error();
    }
    case command::verb::show:
      if (who)
        islands::draw(g, *who);
      return who ? caf::error{} : who.error();
    case command::verb::quit:
      return {};
  }
  return {};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using islands::errc;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto g = islands::game::create("fuzz");
  while (!input.empty()) {
    auto end = std::min(input.find('\n'), input.size());
    auto line = input.substr(0, end);
    input.remove_prefix(std::min(end + 1, input.size()));
    if (islands::is_blank(line))
      continue;
    auto cmd = islands::parse_command(line);
    if (!cmd) {
      kintsugi::fuzz::require_error_in(cmd.error(), islands::error_category,
                                       {static_cast<uint8_t>(errc::bad_command)}, "parse");
      continue;
    }
    auto before = seen(g);
    auto err = apply(g, *cmd);
    auto code = [](errc x) { return static_cast<uint8_t>(x); };
    kintsugi::fuzz::require_error_in(
      err, islands::error_category,
      {code(errc::invalid_coordinate), code(errc::invalid_island_type),
       code(errc::overlapping_island), code(errc::not_all_islands_positioned),
       code(errc::not_allowed), code(errc::unknown_player)},
      "apply");
    if (err)
      kintsugi::fuzz::require(seen(g) == before,
                              "a refused command changed the game: " + std::string{line});
  }
  return 0;
}

std::vector<std::string> kintsugi::fuzz::seeds() {
  // The sample game, whole, as players would type it; and some typos.
  std::string game = "new Kusama\njoin Sharon\n";
  for (int who : {1, 2})
    for (auto& x : islands::sample_layout())
      game += "position " + std::to_string(who) + " " + islands::to_string(x.type) + " "
              + std::to_string(x.upper_left.row) + " " + std::to_string(x.upper_left.col) + "\n";
  game += "set 1\nset 2\n";
  auto targets = islands::sample_targets();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    game += "guess 1 " + std::to_string(targets[i].row) + " " + std::to_string(targets[i].col)
            + "\n";
    game += "guess 2 " + std::to_string(islands::water(i).row) + " "
            + std::to_string(islands::water(i).col) + "\nshow 2\n";
  }
  return {game, "guess 1 1\nposition 3 dot 1 1\nset -0\n\tshow  1 \r\nquit now\n",
          "new A\njoin B\nposition 1 atoll 9 9\nposition 1 square 2147483647 -2147483648\n"};
}
