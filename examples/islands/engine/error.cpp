#include "error.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace islands {

const char* to_string(errc x) noexcept {
  switch (x) {
    case errc::invalid_coordinate:
      return "invalid_coordinate";
    case errc::invalid_island_type:
      return "invalid_island_type";
    case errc::overlapping_island:
      return "overlapping_island";
    case errc::not_all_islands_positioned:
      return "not_all_islands_positioned";
    case errc::not_allowed:
      return "not_allowed";
    case errc::unknown_player:
      return "unknown_player";
    case errc::bad_command:
      return "bad_command";
  }
  return "unknown";
}

caf::error make_error(errc x, std::string what) {
  return {static_cast<uint8_t>(x), error_category, caf::make_message(std::move(what))};
}

std::string describe(const caf::error& err) {
  if (err.category() != error_category)
    return caf::to_string(err);
  std::string out = to_string(static_cast<errc>(err.code()));
  if (err.context().match_elements<std::string>() && !err.context().get_as<std::string>(0).empty())
    out += ": " + err.context().get_as<std::string>(0);
  return out;
}

} // namespace islands
