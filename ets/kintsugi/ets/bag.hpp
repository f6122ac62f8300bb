#pragma once

/// @file
/// `ets::bag<K, V>` and `ets::duplicate_bag<K, V>`: many objects per key,
/// kept in insertion order; a bag keeps one of equal objects (inserting it
/// again does nothing), a duplicate_bag keeps every copy. Lookups return the
/// key's objects as a vector. See table.hpp for the operations.

#include "kintsugi/ets/detail/hash_store.hpp"
#include "kintsugi/ets/table.hpp"

namespace kintsugi::ets {

template <class K, class V>
using bag = table<detail::hash_store<K, V, kind::bag>>;

template <class K, class V>
using duplicate_bag = table<detail::hash_store<K, V, kind::duplicate_bag>>;

} // namespace kintsugi::ets
