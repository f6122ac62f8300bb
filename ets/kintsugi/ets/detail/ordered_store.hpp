#pragma once

// The storage of ordered_set: a contention-adapting search tree (Winblad and
// Sagonas, "A contention adapting approach to concurrent ordered sets", as
// ETS's ordered_set with write_concurrency since OTP 22).
//
// Route nodes hold a key and two children; base nodes hold a B-tree (Abseil's
// btree_map) of the objects in their key interval, under their own
// reader-writer lock. A writer that finds its base node's lock taken counts
// contention; with write_concurrency, a base node with much contention is
// split in two under a new route node, and one without any is joined with its
// sibling again, so the tree has as many locks as its writers need. Without
// write_concurrency the tree is one base node: one lock, as ETS takes one
// table lock.
//
// Nodes that leave the tree are kept until the table is destroyed, so that a
// reader still descending through them never touches freed memory; only
// contention creates them, so they stay few. Traversals and range queries
// lock one base node at a time in key order: a key is never returned twice,
// and every key present throughout is returned. A batch insert locks every
// base node it touches, in key order, so no reader sees part of it.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
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
    : table_base(table_kind, opts, typeid(K), typeid(V)),
      cmp_(cmp),
      adaptive_(opts.write_concurrency),
      reader_slots_(opts.read_concurrency) {
    auto root = make_base(map_type{cmp_}, nullptr);
    root_.store(root.get(), std::memory_order_release);
    bases_.push_back(std::move(root));
  }

  /// How many base nodes (locks) the tree has now; for tests and tuning.
  std::size_t base_count() const {
    std::size_t n = 0;
    walk<false>(nullptr, [&](base_node&, const K*) {
      ++n;
      return true;
    });
    return n;
  }

  /// Splits the base node of `key`, or joins it with its sibling, as
  /// contention would: tests drive the adaptation with these.
  void force_split(const K& key) {
    write(
      key, [&](map_type&) {},
      [this](base_node& b) {
        if (b.map.size() >= 2)
          split(b);
      });
  }

  void force_join(const K& key) {
    write(
      key, [&](map_type&) {}, [this](base_node& b) { join(b); });
  }

  // -- reads -----------------------------------------------------------------

  lookup_type lookup(const K& key) const {
    auto b = lock_shared_base(key);
    std::shared_lock<rw_lock> guard{b->lock, std::adopt_lock};
    auto i = b->map.find(key);
    return i == b->map.end() ? lookup_type{} : lookup_type{i->second};
  }

  template <class F>
  auto lookup_element(const K& key, F&& f) const {
    using field = std::decay_t<decltype(f(std::declval<const V&>()))>;
    auto b = lock_shared_base(key);
    std::shared_lock<rw_lock> guard{b->lock, std::adopt_lock};
    auto i = b->map.find(key);
    return i == b->map.end() ? std::optional<field>{} : std::optional<field>{f(i->second)};
  }

  bool member(const K& key) const {
    auto b = lock_shared_base(key);
    std::shared_lock<rw_lock> guard{b->lock, std::adopt_lock};
    return b->map.contains(key);
  }

  template <class F>
  void for_each(F&& f) const {
    for_range(std::nullopt, std::nullopt, f);
  }

  // Visits the objects with `lo <= key < hi` in key order (an empty bound is
  // open), one base node at a time.
  template <class F>
  void for_range(const std::optional<K>& lo, const std::optional<K>& hi, F&& f) const {
    walk<false>(lo ? &*lo : nullptr, [&](base_node& b, const K*) {
      auto i = lo ? b.map.lower_bound(*lo) : b.map.begin();
      for (; i != b.map.end(); ++i) {
        if (hi && !cmp_(i->first, *hi))
          return false;
        f(i->first, i->second);
      }
      return true;
    });
  }

  std::optional<K> first() const {
    return first_from(nullptr, true);
  }

  // The first key after `key`, whether `key` is in the table or not.
  std::optional<K> next(const K& key) const {
    return first_from(&key, false);
  }

  std::optional<K> last() const {
    return last_before(nullptr);
  }

  // The last key before `key`, whether `key` is in the table or not.
  std::optional<K> prev(const K& key) const {
    return last_before(&key);
  }

  std::size_t size() const override {
    std::size_t n = 0;
    walk<false>(nullptr, [&](base_node& b, const K*) {
      n += b.map.size();
      return true;
    });
    return n;
  }

  std::size_t memory() const override {
    // A B-tree node holds about 256 bytes of values; count them full plus a
    // third for node headers and slack.
    return sizeof(*this) + size() * sizeof(std::pair<const K, V>) * 4 / 3;
  }

  // -- writes -----------------------------------------------------------------

  void insert(K key, V object) {
    write(key, [&](map_type& m) {
      // Keys that grow (times, sequence numbers) go to the end without a
      // search from the root.
      if (!m.empty() && cmp_(m.rbegin()->first, key))
        m.emplace_hint(m.end(), std::move(key), std::move(object));
      else
        m.insert_or_assign(std::move(key), std::move(object));
    });
  }

  void insert(std::vector<std::pair<K, V>> objects) {
    locked_all(objects, [&](auto&& map_of) {
      for (auto& [k, v] : objects)
        map_of(k).insert_or_assign(std::move(k), std::move(v));
      return true;
    });
  }

  bool insert_new(K key, V object) {
    return write(key, [&](map_type& m) {
      return m.try_emplace(std::move(key), std::move(object)).second;
    });
  }

  bool insert_new(std::vector<std::pair<K, V>> objects) {
    return locked_all(objects, [&](auto&& map_of) {
      for (auto& entry : objects)
        if (map_of(entry.first).contains(entry.first))
          return false;
      for (auto& [k, v] : objects)
        map_of(k).insert_or_assign(std::move(k), std::move(v));
      return true;
    });
  }

  std::size_t erase(const K& key) {
    return write(key, [&](map_type& m) { return m.erase(key); });
  }

  std::size_t erase_object(const K& key, const V& object) {
    return write(key, [&](map_type& m) -> std::size_t {
      auto i = m.find(key);
      if (i == m.end() || !(i->second == object))
        return 0;
      m.erase(i);
      return 1;
    });
  }

  lookup_type take(const K& key) {
    return write(key, [&](map_type& m) {
      auto i = m.find(key);
      if (i == m.end())
        return lookup_type{};
      lookup_type out{std::move(i->second)};
      m.erase(i);
      return out;
    });
  }

  template <class F>
  auto update(const K& key, const std::optional<V>& initial, F&& f) {
    using result = decltype(f(std::declval<V&>()));
    return write(key, [&](map_type& m) {
      auto i = m.find(key);
      if (i == m.end()) {
        if (!initial)
          return std::optional<result>{};
        i = m.emplace(key, *initial).first;
      }
      return std::optional<result>{f(i->second)};
    });
  }

  void clear() {
    walk<true>(nullptr, [](base_node& b, const K*) {
      b.map.clear();
      return true;
    });
  }

  template <class Pred>
  std::size_t erase_if(Pred&& pred) {
    std::size_t n = 0;
    walk<true>(nullptr, [&](base_node& b, const K*) {
      for (auto i = b.map.begin(); i != b.map.end();) {
        if (pred(i->first, i->second)) {
          i = b.map.erase(i);
          ++n;
        } else {
          ++i;
        }
      }
      return true;
    });
    return n;
  }

protected:
  void drop_all() override {
    clear();
  }

private:
  using map_type = absl::btree_map<K, V, Compare>;

  struct route_node;

  struct node {
    explicit node(bool route) : is_route(route) {
    }
    const bool is_route;
  };

  struct base_node : node {
    base_node(map_type m, route_node* p) : node(false), map(std::move(m)), parent(p) {
    }
    mutable rw_lock lock;
    // Guarded by `lock`: read under either mode, written under the write lock.
    bool valid = true;
    // Whether the current writer had to wait, and the running score.
    bool contended = false;
    int contention = 0;
    map_type map;
    route_node* const parent;
  };

  struct route_node : node {
    route_node(K k, route_node* p) : node(true), key(std::move(k)), parent(p) {
    }
    // Keys below go left, the others right.
    const K key;
    std::atomic<node*> left{nullptr};
    std::atomic<node*> right{nullptr};
    // Guards changes of the children.
    std::mutex lock;
    route_node* const parent;
  };

  // A base node with the upper bound of its keys (exclusive; none: no bound).
  struct located {
    base_node* base;
    const K* hi;
  };

  // Where `key` lives (with `below`: the base node of the largest keys
  // smaller than `key`); the leftmost or rightmost base node for no key.
  located locate(const K* key, bool below = false, bool rightmost = false) const {
    const K* hi = nullptr;
    node* n = root_.load(std::memory_order_acquire);
    while (n->is_route) {
      auto r = static_cast<route_node*>(n);
      bool left;
      if (!key)
        left = !rightmost;
      else if (below)
        left = !cmp_(r->key, *key); // key <= r.key: everything smaller is left
      else
        left = cmp_(*key, r->key);
      if (left) {
        hi = &r->key;
        n = r->left.load(std::memory_order_acquire);
      } else {
        n = r->right.load(std::memory_order_acquire);
      }
    }
    return {static_cast<base_node*>(n), hi};
  }

  // The base node for `key`, locked for reading and valid.
  base_node* lock_shared_base(const K& key) const {
    for (;;) {
      auto b = locate(&key).base;
      b->lock.lock_shared();
      if (b->valid)
        return b;
      b->lock.unlock_shared();
    }
  }

  // Runs `f` on the map of `key`'s base node under its write lock, then
  // adapts the tree to the contention it met.
  template <class F>
  auto write(const K& key, F&& f) {
    return write(key, std::forward<F>(f), [this](base_node& b) { adapt(b); });
  }

  // As above, with `after(base)` instead of the adaptation.
  template <class F, class After>
  auto write(const K& key, F&& f, After after) {
    for (;;) {
      auto b = locate(&key).base;
      bool contended = false;
      if (!b->lock.try_lock()) {
        contended = true;
        b->lock.lock();
      }
      if (!b->valid) {
        b->lock.unlock();
        continue;
      }
      std::unique_lock<rw_lock> guard{b->lock, std::adopt_lock};
      b->contended = contended;
      if constexpr (std::is_void_v<decltype(f(b->map))>) {
        f(b->map);
        after(*b);
        return;
      } else {
        auto result = f(b->map);
        after(*b);
        return result;
      }
    }
  }

  // Visits the base nodes from the one of `from` (the leftmost for none) in
  // key order, each under its lock, while `f(base, upper_bound)` says so.
  template <bool Write, class F>
  void walk(const K* from, F&& f) const {
    std::optional<K> at;
    if (from)
      at = *from;
    for (;;) {
      auto loc = locate(at ? &*at : nullptr);
      auto b = loc.base;
      if constexpr (Write)
        b->lock.lock();
      else
        b->lock.lock_shared();
      if (!b->valid) {
        unlock<Write>(*b);
        continue;
      }
      auto more = f(*b, loc.hi) && loc.hi != nullptr;
      // Route keys live as long as the table: safe to copy after unlocking.
      unlock<Write>(*b);
      if (!more)
        return;
      at = *loc.hi;
    }
  }

  template <bool Write>
  static void unlock(base_node& b) {
    if constexpr (Write)
      b.lock.unlock();
    else
      b.lock.unlock_shared();
  }

  // The first key at or after `from` (strictly after unless `inclusive`).
  std::optional<K> first_from(const K* from, bool inclusive) const {
    std::optional<K> found;
    walk<false>(from, [&](base_node& b, const K*) {
      auto i = !from       ? b.map.begin()
               : inclusive ? b.map.lower_bound(*from)
                           : b.map.upper_bound(*from);
      if (i == b.map.end())
        return true;
      found = i->first;
      return false;
    });
    return found;
  }

  // The last key before `before` (the largest key for none).
  std::optional<K> last_before(const K* before) const {
    std::optional<K> at;
    if (before)
      at = *before;
    for (;;) {
      auto loc = locate(at ? &*at : nullptr, true, true);
      auto b = loc.base;
      b->lock.lock_shared();
      if (!b->valid) {
        b->lock.unlock_shared();
        continue;
      }
      std::shared_lock<rw_lock> guard{b->lock, std::adopt_lock};
      auto i = at ? b->map.lower_bound(*at) : b->map.end();
      if (i != b->map.begin())
        return std::prev(i)->first;
      // Nothing here: continue below this base node's lower bound.
      auto low = lower_bound_of(*b);
      if (!low)
        return std::nullopt;
      at = *low;
    }
  }

  // The smallest key a base node may hold (none: unbounded): the key of the
  // nearest ancestor it lies right of.
  static const K* lower_bound_of(const base_node& b) {
    const node* child = &b;
    for (auto r = b.parent; r; child = r, r = r->parent)
      if (r->right.load(std::memory_order_acquire) == child)
        return &r->key;
    return nullptr;
  }

  // Locks the base nodes of all `objects`' keys for writing, in key order,
  // then runs `f(map_of)`, where `map_of(key)` is the map of `key`.
  template <class F>
  bool locked_all(std::vector<std::pair<K, V>>& objects, F&& f) {
    std::stable_sort(objects.begin(), objects.end(),
                     [&](const auto& x, const auto& y) { return cmp_(x.first, y.first); });
    std::vector<std::pair<base_node*, const K*>> held;
    for (auto& entry : objects) {
      if (!held.empty() && (!held.back().second || cmp_(entry.first, *held.back().second)))
        continue; // below the last locked base node's upper bound: in it
      for (;;) {
        auto loc = locate(&entry.first);
        loc.base->lock.lock();
        if (loc.base->valid) {
          held.emplace_back(loc.base, loc.hi);
          break;
        }
        loc.base->lock.unlock();
      }
    }
    auto map_of = [&](const K& key) -> map_type& {
      for (auto& [b, hi] : held)
        if (!hi || cmp_(key, *hi))
          return b->map;
      return held.back().first->map;
    };
    auto result = objects.empty() || f(map_of);
    for (auto& entry : held)
      entry.first->lock.unlock();
    return result;
  }

  // -- adaptation (the caller holds `b`'s write lock) ---------------------------

  static constexpr int contended_penalty = 250;
  static constexpr int split_above = 1000;
  static constexpr int join_below = -1000;

  void adapt(base_node& b) {
    if (!adaptive_)
      return;
    b.contention += b.contended ? contended_penalty : -1;
    if (b.contention > split_above && b.map.size() >= 2)
      split(b);
    else if (b.contention < join_below)
      join(b);
  }

  void split(base_node& b) {
    auto mid = b.map.begin();
    std::advance(mid, static_cast<std::ptrdiff_t>(b.map.size() / 2));
    auto route = std::make_unique<route_node>(mid->first, b.parent);
    auto left = make_base(map_type{b.map.begin(), mid, cmp_}, route.get());
    auto right = make_base(map_type{mid, b.map.end(), cmp_}, route.get());
    route->left.store(left.get(), std::memory_order_relaxed);
    route->right.store(right.get(), std::memory_order_relaxed);
    replace_child(b.parent, &b, route.get());
    b.valid = false;
    b.map.clear();
    std::lock_guard<std::mutex> guard{nodes_mtx_};
    bases_.push_back(std::move(left));
    bases_.push_back(std::move(right));
    routes_.push_back(std::move(route));
  }

  void join(base_node& b) {
    b.contention = 0;
    auto parent = b.parent;
    if (!parent)
      return;
    // Locks go from a node to its ancestors and never back, and a sibling is
    // only tried, so two adaptations never wait for each other in a cycle.
    std::unique_lock<std::mutex> parent_guard{parent->lock};
    auto left_side = parent->left.load(std::memory_order_relaxed) == &b;
    auto sibling = (left_side ? parent->right : parent->left).load(std::memory_order_relaxed);
    if (sibling->is_route)
      return;
    auto& s = *static_cast<base_node*>(sibling);
    if (!s.lock.try_lock())
      return;
    std::unique_lock<rw_lock> sibling_guard{s.lock, std::adopt_lock};
    auto& low = left_side ? b.map : s.map;
    auto& high = left_side ? s.map : b.map;
    map_type merged{std::move(low)};
    for (auto& entry : high)
      merged.emplace_hint(merged.end(), entry.first, std::move(entry.second));
    auto joined = make_base(std::move(merged), parent->parent);
    replace_child(parent->parent, parent, joined.get());
    b.valid = false;
    s.valid = false;
    b.map.clear();
    s.map.clear();
    std::lock_guard<std::mutex> guard{nodes_mtx_};
    bases_.push_back(std::move(joined));
  }

  std::unique_ptr<base_node> make_base(map_type m, route_node* parent) const {
    auto result = std::make_unique<base_node>(std::move(m), parent);
    if (reader_slots_)
      result->lock.use_reader_slots();
    return result;
  }

  // Points `parent`'s link to `from` (the root for no parent) at `to`.
  void replace_child(route_node* parent, node* from, node* to) {
    if (!parent) {
      root_.store(to, std::memory_order_release);
      return;
    }
    std::lock_guard<std::mutex> guard{parent->lock};
    if (parent->left.load(std::memory_order_relaxed) == from)
      parent->left.store(to, std::memory_order_release);
    else
      parent->right.store(to, std::memory_order_release);
  }

  Compare cmp_;
  const bool adaptive_;
  const bool reader_slots_;
  std::atomic<node*> root_{nullptr};
  // Every node ever made, freed with the table (see the file comment).
  std::mutex nodes_mtx_;
  std::vector<std::unique_ptr<base_node>> bases_;
  std::vector<std::unique_ptr<route_node>> routes_;
};

} // namespace kintsugi::ets::detail
