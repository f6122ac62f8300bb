#include "worker_protocol.hpp"

#include <charconv>
#include <random>
#include <string_view>
#include <system_error>
#include <vector>

#include <fmt/core.h>

namespace kintsugi::detail {

std::string encode(const worker_assignment& x) {
  return fmt::format("{} {} {} {} {} {} {}", worker_protocol_version, x.port, x.secret, x.parent,
                     x.address_space, x.cpu_seconds, x.open_files);
}

namespace {

// Splits on single spaces; none if a field is empty.
std::optional<std::vector<std::string_view>> fields(std::string_view text) {
  std::vector<std::string_view> result;
  while (!text.empty()) {
    auto end = text.find(' ');
    auto field = text.substr(0, end);
    if (field.empty())
      return std::nullopt;
    result.push_back(field);
    if (end == std::string_view::npos)
      return result;
    text.remove_prefix(end + 1);
    if (text.empty())
      return std::nullopt;
  }
  return result;
}

// Digits only (no sign, no spaces), within T.
template <class T>
bool number(std::string_view text, T& out) {
  auto end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && text.find('-') == std::string_view::npos;
}

} // namespace

std::optional<worker_assignment> decode_assignment(const std::string& text) {
  // Short and plain: anything else is not ours.
  if (text.size() > 256)
    return std::nullopt;
  auto xs = fields(text);
  if (!xs || xs->size() != 7)
    return std::nullopt;
  auto& f = *xs;
  int version = 0;
  worker_assignment x;
  x.secret = std::string{f[2]};
  if (!number(f[0], version) || version != worker_protocol_version || !number(f[1], x.port)
      || x.port == 0 || !number(f[3], x.parent) || x.parent <= 0 || !number(f[4], x.address_space)
      || !number(f[5], x.cpu_seconds) || !number(f[6], x.open_files)
      || x.secret.size() != secret_length
      || x.secret.find_first_not_of("0123456789abcdef") != std::string::npos)
    return std::nullopt;
  return x;
}

std::string make_secret() {
  std::random_device source;
  std::string result;
  while (result.size() < secret_length)
    result += fmt::format("{:08x}", source());
  return result;
}

} // namespace kintsugi::detail
