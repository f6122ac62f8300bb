#pragma once

/// @file
/// The term store's error category. Every failure of a table operation that a
/// caller can act on comes back as a `caf::error` whose category is
/// `kintsugi::ets::error_category`; compare it with the enumerators below
/// (`err == kintsugi::ets::errc::no_access`), which ignores the context. The
/// context, a string, names the table or file and what was wrong with it.
/// `kintsugi::render(err)` spells these errors as `kintsugi::ets::no_access:
/// ...`. Misuse that no table state explains (an empty path, a bad option)
/// is CAF's `sec::invalid_argument`.

#include <cstdint>
#include <iosfwd>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

namespace kintsugi::ets {

/// The category atom of every term-store error.
constexpr caf::atom_value error_category = caf::atom("ets");

/// Error codes of the `ets` category.
enum class errc : uint8_t {
  /// The table refuses this actor: it is private, or protected and the actor
  /// is not its owner, or the operation needs its owner; for a durable table,
  /// the file is read-only, not writable, or already open in this process.
  no_access = 1,
  /// The table was deleted (its owner ended without an heir).
  table_deleted,
  /// A table exists under this name, or in this file, with another kind or
  /// other key and object types; the context says which.
  wrong_type,
  /// A table file is truncated, corrupted or not a table file.
  bad_file,
  /// A durable table was closed.
  table_closed,
  /// No table has this name.
  not_found,
  /// Another table has this name.
  already_registered,
};

/// Renders a code as its name, e.g. "no_access".
const char* to_string(errc code) noexcept;

/// Writes the code's name (so that test frameworks and logs print it).
std::ostream& operator<<(std::ostream& os, errc code);

/// Makes an error of the `ets` category (found by ADL, so
/// `caf::error e = errc::no_access;` works).
caf::error make_error(errc code);

/// Makes an error of `code` whose context is `what`.
caf::error make_error(errc code, std::string what);

} // namespace kintsugi::ets
