#pragma once

// What a durable table stores under its keys, and how a bag lays out the
// entries of one key. Internal; the functions are in src/durable/record.cpp.
//
// An object is stored sealed: a checksum over its stored key and its bytes,
// then the bytes. LMDB keeps no checksums; this catches a corrupted key or
// object. A bag stores each object under [key length][key][sequence number],
// so that the entries of one key lie together, in insertion order.

#include <cstdint>
#include <optional>
#include <string>

#include <caf/expected.hpp>

#include "kintsugi/ets/detail/key_codec.hpp"

namespace kintsugi::ets::detail::record {

/// `payload` sealed for storage under `key`.
bytes seal(bytes_view key, bytes_view payload);

/// The payload of a value stored under `key`; `bad_file` naming `path` when
/// its checksum does not match.
caf::expected<bytes_view> unseal(bytes_view key, bytes_view stored, const std::string& path);

/// The payload of a stored value, unchecked (to compare objects by bytes).
bytes_view payload_of(bytes_view stored);

/// The common beginning of the stored keys of a bag's entries under the
/// encoded key `key`.
bytes bag_prefix(bytes_view key);

/// The stored key of the entry with sequence number `seq` under `prefix`.
bytes bag_entry(bytes prefix, uint64_t seq);

/// Whether `stored_key` is an entry under `prefix`.
bool in_bag(bytes_view stored_key, bytes_view prefix);

/// Whether a scan in key order from `prefix` has not yet passed the entries
/// under it (keys of other lengths may sort in between).
bool before_end_of_bag(bytes_view stored_key, bytes_view prefix);

/// The encoded key inside a bag entry's stored key; none when it is too short.
std::optional<bytes_view> bag_key(bytes_view stored_key);

} // namespace kintsugi::ets::detail::record
