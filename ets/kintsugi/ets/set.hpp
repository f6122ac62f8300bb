#pragma once

/// @file
/// `ets::set<K, V>`: one object per key; inserting again replaces it. A hash
/// table (Abseil's Swiss table), lock-striped with `write_concurrency`.
/// Traverse it with `traverse()`. See table.hpp for the operations.

#include "kintsugi/ets/detail/hash_store.hpp"
#include "kintsugi/ets/table.hpp"

namespace kintsugi::ets {

template <class K, class V>
using set = table<detail::hash_store<K, V, kind::set>>;

} // namespace kintsugi::ets
