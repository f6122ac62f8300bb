#pragma once

// The storage of set, bag and duplicate_bag: lock striping over Abseil's
// Swiss tables. A key lives in one stripe, chosen by the top bits of its
// hash (the table inside uses the low ones); each stripe has its own lock and
// its own count, so writers of different stripes never touch the same cache
// line. One stripe without write_concurrency, as ETS takes one table lock.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>

#include "kintsugi/ets/detail/rw_lock.hpp"
#include "kintsugi/ets/detail/table_base.hpp"

namespace kintsugi::ets::detail {

template <class K, class V, ets::kind Kind>
class hash_store : public table_base {
public:
  static constexpr ets::kind table_kind = Kind;
  static constexpr bool multi = Kind != ets::kind::set;
  static constexpr bool ordered = false;

  using key_type = K;
  using object_type = V;
  // What a key holds: one object, or its objects in insertion order.
  using slot_type = std::conditional_t<multi, std::vector<V>, V>;
  using lookup_type = std::conditional_t<multi, std::vector<V>, std::optional<V>>;

  explicit hash_store(const table_options& opts)
    : table_base(Kind, opts, typeid(K), typeid(V)),
      stripe_bits_(opts.write_concurrency ? 6 : 0),
      stripes_(std::size_t{1} << stripe_bits_) {
    if (opts.read_concurrency)
      for (auto& s : stripes_)
        s.lock.use_reader_slots();
  }

  // -- reads -----------------------------------------------------------------

  lookup_type lookup(const K& key) const {
    auto& s = stripe_of(key);
    std::shared_lock<rw_lock> guard{s.lock};
    auto i = s.map.find(key);
    if (i == s.map.end())
      return lookup_type{};
    return lookup_type{i->second};
  }

  // Applies `f` to the key's objects in place, under the lock.
  template <class F>
  auto lookup_element(const K& key, F&& f) const {
    using field = std::decay_t<decltype(f(std::declval<const V&>()))>;
    using result = std::conditional_t<multi, std::vector<field>, std::optional<field>>;
    auto& s = stripe_of(key);
    std::shared_lock<rw_lock> guard{s.lock};
    result out;
    auto i = s.map.find(key);
    if (i == s.map.end())
      return out;
    if constexpr (multi) {
      for (auto& x : i->second)
        out.push_back(f(x));
    } else {
      out = f(i->second);
    }
    return out;
  }

  bool member(const K& key) const {
    auto& s = stripe_of(key);
    std::shared_lock<rw_lock> guard{s.lock};
    return s.map.contains(key);
  }

  // Visits every object, stripe by stripe, each under its read lock: a key
  // is seen once, and a key present throughout is seen.
  template <class F>
  void for_each(F&& f) const {
    for (auto& s : stripes_) {
      std::shared_lock<rw_lock> guard{s.lock};
      for (auto& [k, slot] : s.map) {
        if constexpr (multi) {
          for (auto& x : slot)
            f(k, x);
        } else {
          f(k, slot);
        }
      }
    }
  }

  std::size_t stripe_count() const noexcept {
    return stripes_.size();
  }

  // The keys of one stripe, taken under its lock (for cursors).
  std::vector<K> keys_of_stripe(std::size_t index) const {
    auto& s = stripes_[index];
    std::shared_lock<rw_lock> guard{s.lock};
    std::vector<K> out;
    out.reserve(s.map.size());
    for (auto& entry : s.map)
      out.push_back(entry.first);
    return out;
  }

  std::size_t size() const override {
    std::size_t n = 0;
    for (auto& s : stripes_)
      n += s.count.load(std::memory_order_relaxed);
    return n;
  }

  std::size_t memory() const override {
    std::size_t bytes = sizeof(*this);
    for (auto& s : stripes_) {
      std::shared_lock<rw_lock> guard{s.lock};
      bytes += s.map.capacity() * (sizeof(std::pair<const K, slot_type>) + 1);
      if constexpr (multi)
        for (auto& entry : s.map)
          bytes += entry.second.capacity() * sizeof(V);
    }
    return bytes;
  }

  // -- writes -----------------------------------------------------------------

  void insert(K key, V object) {
    auto& s = stripe_of(key);
    std::unique_lock<rw_lock> guard{s.lock};
    put(s, std::move(key), std::move(object));
  }

  // All or nothing under every stripe's lock, so that no reader sees half.
  void insert(std::vector<std::pair<K, V>> objects) {
    all_locked guard{*this};
    for (auto& [k, v] : objects)
      put(stripe_of(k), std::move(k), std::move(v));
  }

  bool insert_new(K key, V object) {
    auto& s = stripe_of(key);
    std::unique_lock<rw_lock> guard{s.lock};
    if (s.map.contains(key))
      return false;
    put(s, std::move(key), std::move(object));
    return true;
  }

  bool insert_new(std::vector<std::pair<K, V>> objects) {
    all_locked guard{*this};
    for (auto& entry : objects)
      if (stripe_of(entry.first).map.contains(entry.first))
        return false;
    for (auto& [k, v] : objects)
      put(stripe_of(k), std::move(k), std::move(v));
    return true;
  }

  std::size_t erase(const K& key) {
    auto& s = stripe_of(key);
    std::unique_lock<rw_lock> guard{s.lock};
    auto i = s.map.find(key);
    if (i == s.map.end())
      return 0;
    auto n = count_of(i->second);
    s.map.erase(i);
    shrink(s, n);
    return n;
  }

  // Erases the objects equal to `object` (every copy in a duplicate_bag).
  std::size_t erase_object(const K& key, const V& object) {
    auto& s = stripe_of(key);
    std::unique_lock<rw_lock> guard{s.lock};
    auto i = s.map.find(key);
    if (i == s.map.end())
      return 0;
    std::size_t n = 0;
    if constexpr (multi) {
      auto& xs = i->second;
      auto end = std::remove(xs.begin(), xs.end(), object);
      n = static_cast<std::size_t>(xs.end() - end);
      xs.erase(end, xs.end());
      if (xs.empty())
        s.map.erase(i);
    } else {
      if (!(i->second == object))
        return 0;
      s.map.erase(i);
      n = 1;
    }
    shrink(s, n);
    return n;
  }

  lookup_type take(const K& key) {
    auto& s = stripe_of(key);
    std::unique_lock<rw_lock> guard{s.lock};
    auto i = s.map.find(key);
    if (i == s.map.end())
      return lookup_type{};
    shrink(s, count_of(i->second));
    lookup_type out{std::move(i->second)};
    s.map.erase(i);
    return out;
  }

  // Applies `f` to the key's object in place; inserts `initial` first when
  // the key is missing (when given). Returns what `f` returns, or none when
  // the key is missing and there is no initial object.
  template <class F>
  auto update(const K& key, const std::optional<V>& initial, F&& f) {
    static_assert(!multi, "update and update_counter work on set and ordered_set");
    using result = decltype(f(std::declval<V&>()));
    auto& s = stripe_of(key);
    std::unique_lock<rw_lock> guard{s.lock};
    auto i = s.map.find(key);
    if (i == s.map.end()) {
      if (!initial)
        return std::optional<result>{};
      i = s.map.emplace(key, *initial).first;
      grow(s, 1);
    }
    return std::optional<result>{f(i->second)};
  }

  void clear() {
    for (auto& s : stripes_) {
      std::unique_lock<rw_lock> guard{s.lock};
      s.map.clear();
      s.count.store(0, std::memory_order_relaxed);
    }
  }

  // Erases every object `pred(key, object)` holds for, stripe by stripe.
  template <class Pred>
  std::size_t erase_if(Pred&& pred) {
    std::size_t total = 0;
    for (auto& s : stripes_) {
      std::unique_lock<rw_lock> guard{s.lock};
      std::size_t n = 0;
      for (auto i = s.map.begin(); i != s.map.end();) {
        if constexpr (multi) {
          auto& xs = i->second;
          auto end = std::remove_if(xs.begin(), xs.end(),
                                    [&](const V& x) { return pred(i->first, x); });
          n += static_cast<std::size_t>(xs.end() - end);
          xs.erase(end, xs.end());
          if (xs.empty()) {
            s.map.erase(i++);
            continue;
          }
        } else if (pred(i->first, i->second)) {
          ++n;
          s.map.erase(i++);
          continue;
        }
        ++i;
      }
      shrink(s, n);
      total += n;
    }
    return total;
  }

protected:
  void drop_all() override {
    clear();
  }

private:
  struct alignas(64) stripe {
    mutable rw_lock lock;
    std::atomic<std::size_t> count{0};
    absl::flat_hash_map<K, slot_type> map;
  };

  // Locks every stripe for writing, in index order.
  struct all_locked {
    explicit all_locked(hash_store& x) : self(x) {
      for (auto& s : self.stripes_)
        s.lock.lock();
    }
    ~all_locked() {
      for (auto& s : self.stripes_)
        s.lock.unlock();
    }
    hash_store& self;
  };

  // Counts change only under the stripe's write lock: a load and a store,
  // not a read-modify-write, which would fence every insert.
  static void grow(stripe& s, std::size_t n) {
    s.count.store(s.count.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  static void shrink(stripe& s, std::size_t n) {
    s.count.store(s.count.load(std::memory_order_relaxed) - n, std::memory_order_relaxed);
  }

  static std::size_t count_of(const slot_type& slot) {
    if constexpr (multi)
      return slot.size();
    else
      return 1;
  }

  stripe& stripe_of(const K& key) const {
    if (stripe_bits_ == 0)
      return stripes_[0];
    auto h = absl::Hash<K>{}(key);
    return stripes_[static_cast<std::size_t>(h) >> (64 - stripe_bits_)];
  }

  void put(stripe& s, K key, V object) {
    if constexpr (Kind == ets::kind::set) {
      if (s.map.insert_or_assign(std::move(key), std::move(object)).second)
        grow(s, 1);
    } else {
      auto& xs = s.map[std::move(key)];
      if constexpr (Kind == ets::kind::bag)
        if (std::find(xs.begin(), xs.end(), object) != xs.end())
          return;
      xs.push_back(std::move(object));
      grow(s, 1);
    }
  }

  const unsigned stripe_bits_;
  mutable std::vector<stripe> stripes_;
};

} // namespace kintsugi::ets::detail
