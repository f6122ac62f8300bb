#pragma once

/// @file
/// What `info()` says of a table, and the message an actor receives when it
/// is given a table (ETS's `'ETS-TRANSFER'`).

#include <cstddef>
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
