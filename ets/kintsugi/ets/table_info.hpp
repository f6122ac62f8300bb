#pragma once

/// @file
/// What `info()` says of a table, and the message an actor receives when it
/// is given a table (ETS's `'ETS-TRANSFER'`).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>
#include <caf/message.hpp>

#include "kintsugi/ets/table_options.hpp"

namespace kintsugi::ets {

/// ETS's `ets:info/1`.
struct table_info {
  ets::kind kind = ets::kind::set;
  std::size_t size = 0;
  /// Bytes the table holds for its objects and index, estimated.
  std::size_t memory = 0;
  caf::actor owner;
  /// Invalid when the table has none.
  caf::actor heir;
  protection access = protection::protected_access;
  /// Empty for an unnamed table.
  std::string name;
};

/// Every live table of `sys`, named or not, with its info (ETS's `ets:all/0`
/// and `ets:info/1`), sorted by name. What an observer lists; any thread.
std::vector<table_info> all_tables(caf::actor_system& sys);

/// A durable table's file (kintsugi::durable), as an observer lists it.
struct durable_info {
  std::string path;
  ets::kind kind = ets::kind::set;
  /// Objects in it.
  std::size_t size = 0;
  /// Bytes of the file on disk.
  std::size_t file_bytes = 0;
  /// Write transactions committed since it was opened.
  uint64_t commits = 0;
  /// Times its writes were forced to disk (fsync) since it was opened: each
  /// commit with `durability::per_write`, each flush with `group`.
  uint64_t syncs = 0;
};

/// Every durable table open in this process, sorted by path (they belong to
/// no actor system). Any thread; empty unless kintsugi::durable is used.
std::vector<durable_info> all_durable_tables();

namespace detail {
class table_base;
} // namespace detail

/// Sent to an actor that becomes a table's owner, through give_away or as
/// its heir. Turn it into a handle with the table type's `adopt`:
///
/// ```cpp
/// [=](kintsugi::ets::transfer& t) {
///   auto scores = kintsugi::ets::set<std::string, int>::adopt(self, t);
/// }
/// ```
struct transfer {
  std::shared_ptr<detail::table_base> table;
  /// The previous owner.
  caf::actor_addr from;
  /// The heir data, or the data given to give_away.
  caf::message data;
};

} // namespace kintsugi::ets

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kintsugi::ets::transfer)
