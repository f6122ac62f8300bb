#pragma once

// LMDB takes a plain function as a key order, with no context: each table
// type's order (detail::key_codec::compare) is reached through one of a fixed
// number of trampolines. Internal.

#include <cstddef>

#include <lmdb.h>

#include <caf/expected.hpp>

namespace kintsugi::ets::detail {

using compare_fn = int (*)(const void*, std::size_t, const void*, std::size_t);

/// The LMDB comparison function that calls `fn`, the same one for the same
/// `fn`; `sec::runtime_error` once 64 orders are taken in this process.
caf::expected<MDB_cmp_func*> lmdb_order(compare_fn fn);

} // namespace kintsugi::ets::detail
