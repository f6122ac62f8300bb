#pragma once

/// @file
/// `ets::ordered_set<K, V, Compare>`: a set traversed in key order by
/// `Compare`, with first/next/last/prev and range queries that seek instead
/// of scanning. A B-tree under one reader-writer lock. See table.hpp for the
/// operations.

#include <functional>

#include "kintsugi/ets/detail/ordered_store.hpp"
#include "kintsugi/ets/table.hpp"

namespace kintsugi::ets {

template <class K, class V, class Compare = std::less<K>>
using ordered_set = table<detail::ordered_store<K, V, Compare>>;

} // namespace kintsugi::ets
