#pragma once

// The storage of ordered_set: a B-tree (Abseil's btree_map) under one
// reader-writer lock. Lookups and range queries cost O(log n + k); range
// queries never scan the whole table. Traversal by key (first/next, last/prev)
// re-seeks the tree at each step, so concurrent writes never break it: each
// step returns the next key present, so no key comes twice and every key
// present throughout comes once.

#include <cstddef>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>
#include <vector>

#include <absl/container/btree_map.h>

#include "kintsugi/ets/detail/rw_lock.hpp"
#include "kintsugi/ets/detail/table_base.hpp"

namespace kintsugi::ets::detail {

template <class K, class V, class Compare>
class ordered_store : public table_base {
public:
  static constexpr ets::kind table_kind = ets::kind::ordered_set;
  static constexpr bool multi = false;
  static constexpr bool ordered = true;

  using key_type = K;
  using object_type = V;
  using lookup_type = std::optional<V>;

  explicit ordered_store(const table_options& opts, Compare cmp = Compare{})
    : table_base(table_kind, opts, typeid(K), typeid(V)), map_(cmp) {
  }

  // -- reads -----------------------------------------------------------------

  lookup_type lookup(const K& key) const {
    std::shared_lock<rw_lock> guard{lock_};
    auto i = map_.find(key);
    return i == map_.end() ? lookup_type{} : lookup_type{i->second};
  }

  template <class F>
  auto lookup_element(const K& key, F&& f) const {
    using field = std::decay_t<decltype(f(std::declval<const V&>()))>;
    std::shared_lock<rw_lock> guard{lock_};
    auto i = map_.find(key);
    return i == map_.end() ? std::optional<field>{} : std::optional<field>{f(i->second)};
  }

  bool member(const K& key) const {
    std::shared_lock<rw_lock> guard{lock_};
    return map_.contains(key);
  }

  template <class F>
  void for_each(F&& f) const {
    std::shared_lock<rw_lock> guard{lock_};
    for (auto& [k, v] : map_)
      f(k, v);
  }

  std::optional<K> first() const {
    std::shared_lock<rw_lock> guard{lock_};
    return map_.empty() ? std::optional<K>{} : std::optional<K>{map_.begin()->first};
  }

  std::optional<K> last() const {
    std::shared_lock<rw_lock> guard{lock_};
    return map_.empty() ? std::optional<K>{} : std::optional<K>{map_.rbegin()->first};
  }

  // The first key after `key`, whether `key` is in the table or not.
  std::optional<K> next(const K& key) const {
    std::shared_lock<rw_lock> guard{lock_};
    auto i = map_.upper_bound(key);
    return i == map_.end() ? std::optional<K>{} : std::optional<K>{i->first};
  }

  // The last key before `key`, whether `key` is in the table or not.
  std::optional<K> prev(const K& key) const {
    std::shared_lock<rw_lock> guard{lock_};
    auto i = map_.lower_bound(key);
    if (i == map_.begin())
      return std::nullopt;
    return std::optional<K>{std::prev(i)->first};
  }

  // Visits the objects with `lo <= key < hi` in key order (either bound may
  // be open).
  template <class F>
  void for_range(const std::optional<K>& lo, const std::optional<K>& hi, F&& f) const {
    std::shared_lock<rw_lock> guard{lock_};
    auto i = lo ? map_.lower_bound(*lo) : map_.begin();
    auto end = hi ? map_.lower_bound(*hi) : map_.end();
    for (; i != end; ++i)
      f(i->first, i->second);
  }

  std::size_t size() const override {
    std::shared_lock<rw_lock> guard{lock_};
    return map_.size();
  }

  std::size_t memory() const override {
    std::shared_lock<rw_lock> guard{lock_};
    // A B-tree node holds up to about 256 bytes of values; count them full
    // plus a third for node headers and slack.
    return sizeof(*this) + map_.size() * sizeof(std::pair<const K, V>) * 4 / 3;
  }

  // -- writes -----------------------------------------------------------------

  void insert(K key, V object) {
    std::unique_lock<rw_lock> guard{lock_};
    // Keys that grow (times, sequence numbers) go to the end without a
    // search from the root.
    if (!map_.empty() && map_.key_comp()(map_.rbegin()->first, key))
      map_.emplace_hint(map_.end(), std::move(key), std::move(object));
    else
      map_.insert_or_assign(std::move(key), std::move(object));
  }

  void insert(std::vector<std::pair<K, V>> objects) {
    std::unique_lock<rw_lock> guard{lock_};
    for (auto& [k, v] : objects)
      map_.insert_or_assign(std::move(k), std::move(v));
  }

  bool insert_new(K key, V object) {
    std::unique_lock<rw_lock> guard{lock_};
    return map_.try_emplace(std::move(key), std::move(object)).second;
  }

  bool insert_new(std::vector<std::pair<K, V>> objects) {
    std::unique_lock<rw_lock> guard{lock_};
    for (auto& entry : objects)
      if (map_.contains(entry.first))
        return false;
    for (auto& [k, v] : objects)
      map_.insert_or_assign(std::move(k), std::move(v));
    return true;
  }

  std::size_t erase(const K& key) {
    std::unique_lock<rw_lock> guard{lock_};
    return map_.erase(key);
  }

  std::size_t erase_object(const K& key, const V& object) {
    std::unique_lock<rw_lock> guard{lock_};
    auto i = map_.find(key);
    if (i == map_.end() || !(i->second == object))
      return 0;
    map_.erase(i);
    return 1;
  }

  lookup_type take(const K& key) {
    std::unique_lock<rw_lock> guard{lock_};
    auto i = map_.find(key);
    if (i == map_.end())
      return std::nullopt;
    lookup_type out{std::move(i->second)};
    map_.erase(i);
    return out;
  }

  template <class F>
  auto update(const K& key, const std::optional<V>& initial, F&& f) {
    using result = decltype(f(std::declval<V&>()));
    std::unique_lock<rw_lock> guard{lock_};
    auto i = map_.find(key);
    if (i == map_.end()) {
      if (!initial)
        return std::optional<result>{};
      i = map_.emplace(key, *initial).first;
    }
    return std::optional<result>{f(i->second)};
  }

  void clear() {
    std::unique_lock<rw_lock> guard{lock_};
    map_.clear();
  }

  template <class Pred>
  std::size_t erase_if(Pred&& pred) {
    std::unique_lock<rw_lock> guard{lock_};
    std::size_t n = 0;
    for (auto i = map_.begin(); i != map_.end();) {
      if (pred(i->first, i->second)) {
        i = map_.erase(i);
        ++n;
      } else {
        ++i;
      }
    }
    return n;
  }

protected:
  void drop_all() override {
    clear();
  }

private:
  mutable rw_lock lock_;
  absl::btree_map<K, V, Compare> map_;
};

} // namespace kintsugi::ets::detail
