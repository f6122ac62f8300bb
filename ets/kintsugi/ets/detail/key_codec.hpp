#pragma once

// How a durable table turns keys and objects into bytes and back. Internal.

#include <cstdint>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/expected.hpp>

#include "kintsugi/ets/detail/bytes.hpp"
#include "kintsugi/ets/error.hpp"

namespace kintsugi::ets::detail {

/// Appends `x` in CAF's binary format; throws when CAF cannot serialize it
/// (the typed table turns that into `sec::runtime_error`).
template <class T>
void serialize_into(const T& x, bytes& out) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto copy = x; // CAF's inspectors take their arguments by reference
  if (auto err = sink(copy))
    throw std::runtime_error("cannot serialize: " + caf::to_string(err));
  out.append(buf.data(), buf.size());
}

/// `in` read back as a `T`; `bad_file` naming `path` unless it is exactly one.
template <class T>
caf::expected<T> deserialize(bytes_view in, const std::string& path) {
  T x{};
  caf::binary_deserializer source{nullptr, in.data(), in.size()};
  if (source(x) || source.remaining() != 0)
    return make_error(errc::bad_file, path + ": an object does not decode");
  return x;
}

/// Keys as bytes. Integers (big-endian, sign bit flipped) and strings (as
/// they are) sort as bytes the way std::less sorts them; other keys are
/// serialized and ordered by their comparator when the order matters.
template <class K, class Compare>
struct key_codec {
  static constexpr bool integral = std::is_integral_v<K> && !std::is_same_v<K, bool>;
  static constexpr bool text = std::is_same_v<K, std::string>;
  static constexpr bool bytes_order = (integral || text) && std::is_same_v<Compare, std::less<K>>;

  static void encode(const K& k, bytes& out) {
    if constexpr (integral) {
      uint64_t u;
      if constexpr (std::is_signed_v<K>)
        u = static_cast<uint64_t>(static_cast<int64_t>(k)) ^ (uint64_t{1} << 63);
      else
        u = static_cast<uint64_t>(k);
      for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((u >> shift) & 0xff));
    } else if constexpr (text) {
      out.append(k);
    } else {
      serialize_into(k, out);
    }
  }

  static bytes encode(const K& k) {
    bytes out;
    encode(k, out);
    return out;
  }

  static caf::expected<K> decode(bytes_view in, const std::string& path) {
    if constexpr (integral) {
      if (in.size() != 8)
        return make_error(errc::bad_file, path + ": a key does not decode");
      uint64_t u = 0;
      for (auto c : in)
        u = (u << 8) | static_cast<unsigned char>(c);
      if constexpr (std::is_signed_v<K>)
        return static_cast<K>(static_cast<int64_t>(u ^ (uint64_t{1} << 63)));
      else
        return static_cast<K>(u);
    } else if constexpr (text) {
      return K{in};
    } else {
      return deserialize<K>(in, path);
    }
  }

  /// LMDB's order for keys that do not sort as bytes.
  static int compare(const void* a, std::size_t an, const void* b, std::size_t bn) {
    static const std::string where = "key order";
    auto x = decode(bytes_view{static_cast<const char*>(a), an}, where);
    auto y = decode(bytes_view{static_cast<const char*>(b), bn}, where);
    if (!x || !y) { // undecodable keys sort as bytes, after nothing in particular
      auto n = std::memcmp(a, b, std::min(an, bn));
      return n != 0 ? n : (an < bn ? -1 : an > bn ? 1 : 0);
    }
    Compare less;
    return less(*x, *y) ? -1 : less(*y, *x) ? 1 : 0;
  }
};

} // namespace kintsugi::ets::detail
