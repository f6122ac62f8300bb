#pragma once

// A line of player input, as `islands play` reads it from a terminal:
//
//   new NAME | join NAME | position P TYPE ROW COL | set P | guess P ROW COL
//   show P | quit
//
// Parsing checks the form only (verb, argument count, numbers that fit an
// int); what the numbers and names mean is the game's to judge, so a
// command may parse and still be refused by the rules.

#include <string>
#include <string_view>

#include <caf/expected.hpp>

namespace islands {

struct command {
  enum class verb { new_game, join, position, set, guess, show, quit };
  verb what = verb::quit;
  /// NAME of new and join, TYPE of position.
  std::string text;
  /// P of position, set, guess and show.
  int who = 0;
  int row = 0;
  int col = 0;
};

/// Whether `line` holds nothing but blanks (the terminal skips it).
bool is_blank(std::string_view line) noexcept;

/// The command on `line`, or `errc::bad_command` naming what is wrong: an
/// unknown verb, a missing, extra or malformed argument, a blank line.
caf::expected<command> parse_command(std::string_view line);

} // namespace islands
