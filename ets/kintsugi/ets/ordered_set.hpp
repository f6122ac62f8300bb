#pragma once

/// @file
/// `ets::ordered_set<K, V, Compare>`: a set traversed in key order by
/// `Compare`, with first/next/last/prev and range queries that seek instead
/// of scanning. One B-tree under one lock by default; with write_concurrency,
/// a contention-adapting tree that splits its key range under more locks as
/// writers collide (detail/ordered_store.hpp). See table.hpp for the
/// operations.

#include <functional>

#include "kintsugi/ets/detail/ordered_store.hpp"
#include "kintsugi/ets/table.hpp"

namespace kintsugi::ets {

template <class K, class V, class Compare = std::less<K>>
using ordered_set = table<detail::ordered_store<K, V, Compare>>;

} // namespace kintsugi::ets
