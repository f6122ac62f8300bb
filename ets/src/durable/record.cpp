#include "kintsugi/ets/detail/durable_record.hpp"

#include <cstring>

namespace kintsugi::ets::detail::record {

namespace {

constexpr std::size_t checksum_size = 4;
constexpr std::size_t length_size = 4;
constexpr std::size_t sequence_size = 8;

// FNV-1a's multiply, eight bytes at a time: a byte at a time cost more than
// the lookup itself.
uint32_t checksum(bytes_view key, bytes_view payload) {
  uint64_t h = 14695981039346656037ull;
  for (auto part : {key, payload}) {
    std::size_t i = 0;
    for (; i + 8 <= part.size(); i += 8) {
      uint64_t word;
      std::memcpy(&word, part.data() + i, 8);
      h = (h ^ word) * 1099511628211ull;
    }
    for (; i < part.size(); ++i)
      h = (h ^ static_cast<unsigned char>(part[i])) * 1099511628211ull;
    h = (h ^ part.size()) * 1099511628211ull;
  }
  return static_cast<uint32_t>(h ^ (h >> 32));
}

void append_big_endian(bytes& out, uint64_t x, std::size_t size) {
  for (auto i = size; i > 0; --i)
    out.push_back(static_cast<char>((x >> (8 * (i - 1))) & 0xff));
}

uint64_t read_big_endian(bytes_view in) {
  uint64_t x = 0;
  for (auto c : in)
    x = (x << 8) | static_cast<unsigned char>(c);
  return x;
}

} // namespace

bytes seal(bytes_view key, bytes_view payload) {
  bytes out;
  out.reserve(checksum_size + payload.size());
  append_big_endian(out, checksum(key, payload), checksum_size);
  out.append(payload);
  return out;
}

caf::expected<bytes_view> unseal(bytes_view key, bytes_view stored, const std::string& path) {
  if (stored.size() < checksum_size
      || read_big_endian(stored.substr(0, checksum_size))
           != checksum(key, stored.substr(checksum_size)))
    return make_error(errc::bad_file, path + ": an object fails its checksum");
  return stored.substr(checksum_size);
}

bytes_view payload_of(bytes_view stored) {
  return stored.size() < checksum_size ? bytes_view{} : stored.substr(checksum_size);
}

bytes bag_prefix(bytes_view key) {
  bytes out;
  out.reserve(length_size + key.size() + sequence_size);
  append_big_endian(out, key.size(), length_size);
  out.append(key);
  return out;
}

bytes bag_entry(bytes prefix, uint64_t seq) {
  append_big_endian(prefix, seq, sequence_size);
  return prefix;
}

bool in_bag(bytes_view stored_key, bytes_view prefix) {
  return stored_key.size() == prefix.size() + sequence_size
         && stored_key.substr(0, prefix.size()) == prefix;
}

bool before_end_of_bag(bytes_view stored_key, bytes_view prefix) {
  return stored_key.substr(0, std::min(stored_key.size(), prefix.size())) == prefix;
}

std::optional<bytes_view> bag_key(bytes_view stored_key) {
  if (stored_key.size() < length_size + sequence_size)
    return std::nullopt;
  return stored_key.substr(length_size, stored_key.size() - length_size - sequence_size);
}

} // namespace kintsugi::ets::detail::record
