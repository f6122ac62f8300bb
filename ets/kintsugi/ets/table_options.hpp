#pragma once

/// @file
/// What a term-store table is (ETS's `ets:new/2` options): its kind, who may
/// read and write it, its name, its heir and its concurrency hints.

#include <cstdint>
#include <string>

#include <caf/actor.hpp>
#include <caf/message.hpp>

namespace kintsugi::ets {

/// The four kinds of table.
enum class kind : uint8_t {
  /// One object per key; inserting again replaces it.
  set,
  /// Like set, traversed in key order by the table's comparator.
  ordered_set,
  /// Many objects per key, in insertion order; an equal object is kept once.
  bag,
  /// Many objects per key, in insertion order; equal objects may repeat.
  duplicate_bag,
};

/// Who may use a table (ETS's access rights).
enum class protection : uint8_t {
  /// Only the owner reads and writes.
  private_access,
  /// Everybody reads, only the owner writes (the default).
  protected_access,
  /// Everybody reads and writes.
  public_access,
};

const char* to_string(kind x) noexcept;
const char* to_string(protection x) noexcept;

/// How to create a table.
struct table_options {
  protection access = protection::protected_access;
  /// When not empty, the table is registered under this name in its actor
  /// system, so that other actors open it by name; the name is released when
  /// the table is deleted.
  std::string name;
  /// Inherits the table when the owner ends (ETS's `{heir, Pid, HeirData}`):
  /// it becomes the owner and receives `ets::transfer` carrying `heir_data`.
  /// Without an heir, the table is deleted with its owner.
  caf::actor heir;
  caf::message heir_data;
  /// Many actors read at once (ETS's `read_concurrency`): readers on
  /// different threads count themselves in different cache lines, so they
  /// never contend with one another; a writer pays by checking them all.
  bool read_concurrency = false;
  /// Many actors write at once (ETS's `write_concurrency`): a hash table is
  /// split into 64 independently locked stripes instead of one, and an
  /// ordered_set adapts its number of locks to the contention it meets.
  bool write_concurrency = false;
};

} // namespace kintsugi::ets
