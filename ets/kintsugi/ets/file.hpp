#pragma once

/// @file
/// Saving a table to a file and loading it back (ETS's tab2file and
/// file2tab). Keys and objects go through CAF's inspect-based binary
/// serialization, so any type CAF can send can be saved. The file records a
/// format version, the table's kind and its key and object types, and a
/// checksum of the objects; it is written to a temporary file and renamed,
/// so a crash leaves the old file or the new one, never half of one.
///
/// ```cpp
/// if (auto err = kintsugi::ets::tab2file(*scores, "/var/lib/game/scores.tab"))
///   return err;
/// auto back = kintsugi::ets::file2tab<scores_table>(self, "/var/lib/game/scores.tab");
/// ```

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/local_actor.hpp>

#include "kintsugi/ets/error.hpp"
#include "kintsugi/ets/table.hpp"

namespace kintsugi::ets {

namespace detail {

// What a table file says of its table.
struct file_header {
  ets::kind kind;
  std::string key_type;
  std::string object_type;
  uint64_t count = 0;
};

// Writes the header, a checksum and `payload` to `path`, atomically.
caf::error write_table_file(caf::actor_system& sys, const std::string& path,
                            const file_header& header, const std::vector<char>& payload);

// Reads `path`, checks its format, version and checksum, and that it holds
// `expected`'s kind and types; returns its count and payload.
caf::expected<std::pair<uint64_t, std::vector<char>>>
read_table_file(caf::actor_system& sys, const std::string& path, const file_header& expected);

} // namespace detail

/// Saves every object of `table` to `path`, atomically (a new file renamed
/// over the old one). Errors: those of reading the table;
/// `sec::cannot_open_file` when `path` cannot be written (a folder missing,
/// a directory in the way, no permission); `sec::runtime_error` for a
/// failed write.
template <class Storage>
caf::error tab2file(const reader<Storage>& table, const std::string& path) {
  if (!table)
    return caf::make_error(caf::sec::invalid_argument, "tab2file: no table");
  auto& sys = table.home_system();
  std::vector<char> payload;
  caf::binary_serializer sink{sys, payload};
  caf::error failure;
  auto count = table.foldl(uint64_t{0}, [&](uint64_t n, const typename Storage::key_type& k,
                                            const typename Storage::object_type& v) {
    if (!failure) {
      auto key = k;
      auto object = v;
      failure = sink(key, object);
    }
    return n + 1;
  });
  if (!count)
    return std::move(count.error());
  if (failure)
    return failure;
  detail::file_header header{Storage::table_kind, typeid(typename Storage::key_type).name(),
                             typeid(typename Storage::object_type).name(), *count};
  return detail::write_table_file(sys, path, header, payload);
}

/// Loads the table saved in `path` into a new table of type `Table`, owned
/// by `self`, created with `opts`. Errors: `errc::bad_file` for a file that
/// is truncated, corrupted or not a table file (or of another format
/// version); `errc::wrong_type` when it holds another kind or other types;
/// `sec::cannot_open_file`; those of `Table::create`.
template <class Table>
caf::expected<Table>
file2tab(caf::local_actor* self, const std::string& path, table_options opts = {}) {
  using key_type = typename Table::key_type;
  using object_type = typename Table::object_type;
  auto& sys = self->home_system();
  detail::file_header wanted{Table::storage_kind, typeid(key_type).name(),
                             typeid(object_type).name(), 0};
  auto file = detail::read_table_file(sys, path, wanted);
  if (!file)
    return std::move(file.error());
  auto& [count, payload] = *file;
  std::vector<std::pair<key_type, object_type>> objects;
  caf::binary_deserializer source{sys, payload};
  for (uint64_t i = 0; i < count; ++i) {
    key_type k{};
    object_type v{};
    if (auto err = source(k, v))
      return make_error(errc::bad_file, path + ": " + to_string(err));
    objects.emplace_back(std::move(k), std::move(v));
  }
  if (source.remaining() != 0)
    return make_error(errc::bad_file, path + ": bytes after the last object");
  auto table = Table::create(self, std::move(opts));
  if (!table)
    return table;
  if (auto err = table->insert(std::move(objects)))
    return err;
  return table;
}

} // namespace kintsugi::ets
