#pragma once

// One durable table's file: an LMDB environment with two databases, the
// table's identity ("meta") and its objects ("objects"). Works on bytes; the
// typed table (durable.hpp) encodes keys and objects. LMDB stays out of the
// headers. Internal.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "kintsugi/ets/detail/bytes.hpp"
#include "kintsugi/ets/durable_options.hpp"
#include "kintsugi/ets/table_info.hpp"
#include "kintsugi/ets/table_options.hpp"

namespace kintsugi::ets::detail {

/// What a file must say of its table to be opened as one.
struct durable_identity {
  ets::kind kind;
  std::string key_type;
  std::string object_type;
  /// LMDB's key order for an ordered_set whose encoded keys do not sort as
  /// bytes; none: bytes order.
  int (*compare)(const void* a, std::size_t a_size, const void* b, std::size_t b_size) = nullptr;
};

class durable_file {
public:
  /// A transaction; valid during the function it is handed to.
  class txn;

  static caf::expected<std::shared_ptr<durable_file>>
  open(const std::string& path, const durable_identity& id, const durable_options& opts);

  ~durable_file();

  durable_file(const durable_file&) = delete;
  durable_file& operator=(const durable_file&) = delete;

  /// Runs `body` in a write transaction and commits it, with the file's
  /// durability. Grows the map and runs `body` again when it is full, so
  /// `body` must only change what it computes through the transaction.
  caf::error write(const std::function<caf::error(txn&)>& body);

  /// Runs `body` in a read transaction; many run at once.
  caf::error read(const std::function<caf::error(txn&)>& body) const;

  /// With durability::group, stores `value` under `key` later, in one
  /// transaction with the writes around it: on sync(), close(), the next
  /// other operation, the flush interval, or when many are waiting. With
  /// durability::per_write, stores it now.
  caf::error put_later(bytes key, bytes value);

  /// Flushes committed writes to disk.
  caf::error sync();

  /// Flushes and closes; every later call fails with `errc::table_closed`.
  caf::error close();

  bool read_only() const noexcept;
  const std::string& path() const noexcept;

  /// What all_durable_tables lists of it.
  durable_info describe() const;

  // -- operations inside a transaction ------------------------------------------

  /// The object under exactly `key`.
  static caf::expected<std::optional<bytes_view>> get(txn& t, bytes_view key);

  /// Stores `value` under `key`, replacing what was there.
  static caf::error put(txn& t, bytes_view key, bytes_view value);

  /// Stores unless `key` is present; false when it was.
  static caf::expected<bool> put_new(txn& t, bytes_view key, bytes_view value);

  /// Deletes `key`; false when it was not there.
  static caf::expected<bool> del(txn& t, bytes_view key);

  /// Visits the entries from the first key >= `from` (the first key for
  /// none) in key order, while `f(key, value)` says so.
  static caf::error scan(txn& t, std::optional<bytes_view> from,
                         const std::function<bool(bytes_view, bytes_view)>& f);

  /// The last entry with a key < `before` (the last entry for none).
  static caf::expected<std::optional<bytes>> last_before(txn& t, std::optional<bytes_view> before);

  /// How many entries there are.
  static caf::expected<std::size_t> count(txn& t);

  /// Deletes every entry.
  static caf::error clear(txn& t);

  /// The next number of the file's insertion sequence (for bags).
  static caf::expected<uint64_t> next_sequence(txn& t);

  struct impl;

private:
  explicit durable_file(std::unique_ptr<impl> ptr);
  std::unique_ptr<impl> impl_;
};

} // namespace kintsugi::ets::detail
