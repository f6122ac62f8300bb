#include "kintsugi/ets/error.hpp"

#include <ostream>

#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi::ets {

namespace {

const char* code_name(uint8_t code) noexcept {
  return to_string(static_cast<errc>(code));
}

// Every program that can hold an error of this category has linked this file
// (make_error is here), so render() learns the category before it can meet one.
[[maybe_unused]] const bool registered
  = (add_error_category(error_category, "kintsugi::ets::", code_name), true);

} // namespace

const char* to_string(errc code) noexcept {
  switch (code) {
    case errc::no_access:
      return "no_access";
    case errc::table_deleted:
      return "table_deleted";
    case errc::wrong_type:
      return "wrong_type";
    case errc::bad_file:
      return "bad_file";
    case errc::table_closed:
      return "table_closed";
    case errc::not_found:
      return "not_found";
    case errc::already_registered:
      return "already_registered";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, errc code) {
  return os << to_string(code);
}

caf::error make_error(errc code) {
  return {static_cast<uint8_t>(code), error_category};
}

caf::error make_error(errc code, std::string what) {
  return {static_cast<uint8_t>(code), error_category, caf::make_message(std::move(what))};
}

} // namespace kintsugi::ets
