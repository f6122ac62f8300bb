#pragma once

/// @file
/// Compares a secret (a node's secret, a web token) with what a peer
/// presented, in a time that does not tell where they differ: only their
/// lengths may show.

#include <cstddef>
#include <string_view>

namespace kintsugi {

inline bool same_secret(std::string_view x, std::string_view y) noexcept {
  if (x.size() != y.size())
    return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < x.size(); ++i)
    diff |= static_cast<unsigned char>(x[i] ^ y[i]);
  return diff == 0;
}

} // namespace kintsugi
