#include "command.hpp"

#include <charconv>
#include <vector>

#include "error.hpp"

namespace islands {

namespace {

constexpr std::string_view blanks = " \t\r\n\v\f";

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  while (true) {
    auto first = line.find_first_not_of(blanks);
    if (first == std::string_view::npos)
      return words;
    line.remove_prefix(first);
    auto end = std::min(line.find_first_of(blanks), line.size());
    words.push_back(line.substr(0, end));
    line.remove_prefix(end);
  }
}

// The form of each verb: its name and its arguments, where P, ROW and COL
// are numbers and every other argument is a word.
struct form {
  std::string_view name;
  command::verb what;
  std::string_view args;
};

constexpr form forms[] = {
  {"new", command::verb::new_game, "NAME"},
  {"join", command::verb::join, "NAME"},
  {"position", command::verb::position, "P TYPE ROW COL"},
  {"set", command::verb::set, "P"},
  {"guess", command::verb::guess, "P ROW COL"},
  {"show", command::verb::show, "P"},
  {"quit", command::verb::quit, ""},
};

bool is_number(std::string_view arg) {
  return arg == "P" || arg == "ROW" || arg == "COL";
}

caf::error bad(std::string what) {
  return make_error(errc::bad_command, std::move(what));
}

} // namespace

bool is_blank(std::string_view line) noexcept {
  return line.find_first_not_of(blanks) == std::string_view::npos;
}

caf::expected<command> parse_command(std::string_view line) {
  auto words = words_of(line);
  if (words.empty())
    return bad("empty line");
  const form* f = nullptr;
  for (auto& candidate : forms)
    if (candidate.name == words[0])
      f = &candidate;
  if (f == nullptr)
    return bad("unknown command '" + std::string{words[0]} + "'");
  auto args = words_of(f->args);
  auto usage = [&] {
    return "usage: " + std::string{f->name} + (args.empty() ? "" : " ") + std::string{f->args};
  };
  if (words.size() - 1 != args.size())
    return bad("'" + std::string{f->name} + "' takes " + std::to_string(args.size())
               + " arguments; " + usage());
  command cmd;
  cmd.what = f->what;
  int* numbers[] = {&cmd.who, &cmd.row, &cmd.col};
  std::size_t next_number = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto word = words[i + 1];
    if (!is_number(args[i])) {
      cmd.text = std::string{word};
      continue;
    }
    auto* out = numbers[next_number++];
    auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), *out);
    if (ec != std::errc{} || end != word.data() + word.size())
      return bad(std::string{args[i]} + " '" + std::string{word}
                 + "' is not a number that fits an int; " + usage());
  }
  return cmd;
}

} // namespace islands
