#pragma once

/// @file
/// Durable tables: the term store's four kinds on disk, in one file each,
/// on LMDB (crash-safe by design: a committed write survives a crash of the
/// process at any moment, and the file opens afterwards with no repair
/// step). There is no size limit: the map grows as needed. Keys and objects
/// go through CAF's inspect-based binary serialization, so a type that CAF
/// can send can be stored.
///
/// ```cpp
/// using games = kintsugi::ets::durable_set<std::string, game_state>;
/// auto db = games::open("/var/lib/islands/games.table");
/// db->insert("Kusama", state);            // on disk when it returns
/// auto back = db->lookup("Kusama");       // caf::expected<std::optional<game_state>>
/// ```
///
/// The file records the table's kind, a format version and the key and
/// object types: opening it as another kind or with other types fails with
/// `errc::wrong_type`; a truncated, corrupted or foreign file fails with
/// `errc::bad_file`. Opening an existing file reads every page of it once,
/// to check its structure before LMDB (which trusts its pages) does. Durability is explicit
/// (`durable_options`): every write on disk when it returns, or group commits flushed on `sync()`
/// and at a bounded interval. Keys are at most 511 bytes once encoded (LMDB's limit); integers and
/// strings keep their order on disk, other key types of an ordered_set are ordered by their
/// comparator. Bags keep insertion order per key; a bag tells equal objects by their serialized
/// bytes. Handles are thread-safe and share the file; the last one closes it.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "kintsugi/ets/detail/durable_file.hpp"
#include "kintsugi/ets/detail/durable_record.hpp"
#include "kintsugi/ets/detail/key_codec.hpp"
#include "kintsugi/ets/durable_options.hpp"
#include "kintsugi/ets/error.hpp"
#include "kintsugi/ets/table.hpp"
#include "kintsugi/ets/table_options.hpp"

namespace kintsugi::ets {

/// A durable table; use the aliases below.
template <class K, class V, ets::kind Kind, class Compare = std::less<K>>
class durable_table {
public:
  static constexpr bool multi = Kind == kind::bag || Kind == kind::duplicate_bag;
  static constexpr bool ordered = Kind == kind::ordered_set;
  static constexpr ets::kind storage_kind = Kind;
  using key_type = K;
  using object_type = V;
  using lookup_type = std::conditional_t<multi, std::vector<V>, std::optional<V>>;

  /// An invalid handle.
  durable_table() = default;

  explicit operator bool() const noexcept {
    return static_cast<bool>(file_);
  }

  /// Opens the table in `path`, creating it unless `opts.read_only`.
  /// Errors: `errc::bad_file`, `errc::wrong_type`, `sec::cannot_open_file`
  /// (read-only and missing, or a folder of the path missing),
  /// `errc::no_access` (already open in this process, or not writable),
  /// `sec::invalid_argument` (an empty path, a zero map size, a group
  /// `flush_interval` that is not positive or longer than a century).
  static caf::expected<durable_table> open(const std::string& path, durable_options opts = {}) {
    detail::durable_identity id{Kind, typeid(K).name(), typeid(V).name(), nullptr};
    if constexpr (ordered && !codec::bytes_order)
      id.compare = &codec::compare;
    auto file = detail::durable_file::open(path, id, opts);
    if (!file)
      return std::move(file.error());
    durable_table result;
    result.file_ = std::move(*file);
    return result;
  }

  /// Flushes and closes the file for every handle.
  caf::error close() {
    return file_->close();
  }

  /// Flushes committed writes to disk (for `durability::group`).
  caf::error sync() {
    return file_->sync();
  }

  const std::string& path() const noexcept {
    return file_->path();
  }

  // -- writes ------------------------------------------------------------------

  caf::error insert(K key, V object) {
    if constexpr (!multi) {
      if (!file_)
        return make_error(errc::table_closed, "no table");
      try {
        auto k = encode_key(key);
        auto v = detail::record::seal(k, encode(object));
        return file_->put_later(std::move(k), std::move(v));
      } catch (const std::exception& e) {
        return caf::make_error(caf::sec::runtime_error, e.what());
      }
    } else {
      return write([&](txn& t) { return put(t, key, object); });
    }
  }

  /// Inserts all objects in one transaction: all or none are stored.
  caf::error insert(const std::vector<std::pair<K, V>>& objects) {
    return write([&](txn& t) {
      for (auto& [k, v] : objects)
        if (auto err = put(t, k, v))
          return err;
      return caf::error{};
    });
  }

  caf::expected<bool> insert_new(K key, V object) {
    return write_value<bool>([&](txn& t) -> caf::expected<bool> {
      if constexpr (multi) {
        auto present = any_of_key(t, key);
        if (!present || *present)
          return present ? caf::expected<bool>{false} : std::move(present.error());
        if (auto err = put(t, key, object))
          return err;
        return true;
      } else {
        auto k = encode_key(key);
        return detail::durable_file::put_new(t, k, detail::record::seal(k, encode(object)));
      }
    });
  }

  /// Erases every object under `key`; returns how many.
  caf::expected<std::size_t> erase(const K& key) {
    return write_value<std::size_t>([&](txn& t) { return erase_where(t, key, nullptr); });
  }

  /// Erases the objects under `key` equal to `object`; returns how many.
  caf::expected<std::size_t> erase_object(const K& key, const V& object) {
    auto bytes = encode(object);
    return write_value<std::size_t>([&](txn& t) { return erase_where(t, key, &bytes); });
  }

  /// Looks up and erases in one transaction.
  caf::expected<lookup_type> take(const K& key) {
    return write_value<lookup_type>([&](txn& t) -> caf::expected<lookup_type> {
      auto out = collect(t, key);
      if (!out)
        return out;
      if (auto erased = erase_where(t, key, nullptr); !erased)
        return std::move(erased.error());
      return out;
    });
  }

  /// set, ordered_set: adds `delta` to `field(object)` in one transaction,
  /// inserting `initial` first when the key is missing; returns the new value.
  template <class N, class Field>
  caf::expected<N> update_counter(const K& key, N delta, V initial, Field field) {
    static_assert(!multi, "update_counter works on set and ordered_set");
    return write_value<N>([&](txn& t) -> caf::expected<N> {
      auto current = collect(t, key);
      if (!current)
        return std::move(current.error());
      V object = *current ? std::move(**current) : initial;
      auto& n = field(object);
      n += delta;
      N result = n;
      if (auto err = put(t, key, object))
        return err;
      return result;
    });
  }

  /// update_counter for a table whose objects are the numbers themselves.
  caf::expected<V> update_counter(const K& key, V delta, V initial = V{}) {
    return update_counter(key, delta, initial, [](V& x) -> V& { return x; });
  }

  caf::error clear() {
    return write([](txn& t) { return detail::durable_file::clear(t); });
  }

  /// Replaces every object with `objects`, in one transaction.
  caf::error assign(const std::vector<std::pair<K, V>>& objects) {
    return write([&](txn& t) {
      if (auto err = detail::durable_file::clear(t))
        return err;
      for (auto& [k, v] : objects)
        if (auto err = put(t, k, v))
          return err;
      return caf::error{};
    });
  }

  // -- reads -------------------------------------------------------------------

  caf::expected<lookup_type> lookup(const K& key) const {
    return read_value<lookup_type>([&](txn& t) { return collect(t, key); });
  }

  caf::expected<bool> member(const K& key) const {
    return read_value<bool>([&](txn& t) { return any_of_key(t, key); });
  }

  /// The number of objects.
  caf::expected<std::size_t> size() const {
    return read_value<std::size_t>([](txn& t) { return detail::durable_file::count(t); });
  }

  /// `acc = f(acc, key, object)` over every object, in one read transaction.
  template <class Acc, class F>
  caf::expected<Acc> foldl(Acc acc, F f) const {
    auto err = read([&](txn& t) {
      return visit(t, std::nullopt, std::nullopt, [&](K& k, V& v) {
        acc = f(std::move(acc), k, v);
        return true;
      });
    });
    if (err)
      return err;
    return acc;
  }

  /// The (key, object) pairs `pred(key, object)` holds for.
  template <class Pred>
  caf::expected<std::vector<std::pair<K, V>>> select(Pred pred) const {
    return foldl(std::vector<std::pair<K, V>>{},
                 [&](std::vector<std::pair<K, V>> acc, const K& k, const V& v) {
                   if (pred(k, v))
                     acc.emplace_back(k, v);
                   return acc;
                 });
  }

  // -- ordered_set ---------------------------------------------------------------

  caf::expected<std::optional<K>> first() const {
    static_assert(ordered, "first/next/last/prev: ordered_set only");
    return key_after(std::nullopt, true);
  }

  caf::expected<std::optional<K>> next(const K& key) const {
    static_assert(ordered, "first/next/last/prev: ordered_set only");
    return key_after(key, false);
  }

  caf::expected<std::optional<K>> last() const {
    static_assert(ordered, "first/next/last/prev: ordered_set only");
    return key_before(std::nullopt);
  }

  caf::expected<std::optional<K>> prev(const K& key) const {
    static_assert(ordered, "first/next/last/prev: ordered_set only");
    return key_before(key);
  }

  /// The objects with `lo <= key < hi` in key order (an empty bound is
  /// open), found by seeking.
  caf::expected<std::vector<std::pair<K, V>>> range(const std::optional<K>& lo,
                                                    const std::optional<K>& hi) const {
    static_assert(ordered, "range: ordered_set only");
    std::vector<std::pair<K, V>> out;
    auto err = read([&](txn& t) {
      out.clear();
      return visit(t, lo, hi, [&](K& k, V& v) {
        out.emplace_back(std::move(k), std::move(v));
        return true;
      });
    });
    if (err)
      return err;
    return out;
  }

private:
  using txn = detail::durable_file::txn;
  using codec = detail::key_codec<K, Compare>;
  using bytes = detail::bytes;
  using bytes_view = detail::bytes_view;

  template <class F>
  caf::error write(F&& f) {
    if (!file_)
      return make_error(errc::table_closed, "no table");
    try {
      return file_->write(f);
    } catch (const std::exception& e) {
      return caf::make_error(caf::sec::runtime_error, e.what());
    }
  }

  template <class F>
  caf::error read(F&& f) const {
    if (!file_)
      return make_error(errc::table_closed, "no table");
    try {
      return file_->read(f);
    } catch (const std::exception& e) {
      return caf::make_error(caf::sec::runtime_error, e.what());
    }
  }

  // Runs `f(txn) -> caf::expected<T>` in a read or write transaction and
  // hands its value out. A write may run `f` again (see durable_file::write).
  template <class T, bool Write, class Self, class F>
  static caf::expected<T> run_value(Self& self, F&& f) {
    std::optional<T> out;
    auto body = [&](txn& t) -> caf::error {
      auto r = f(t);
      if (!r)
        return std::move(r.error());
      out = std::move(*r);
      return {};
    };
    caf::error err;
    if constexpr (Write)
      err = self.write(body);
    else
      err = self.read(body);
    if (err)
      return err;
    return std::move(*out);
  }

  template <class T, class F>
  caf::expected<T> read_value(F&& f) const {
    return run_value<T, false>(*this, std::forward<F>(f));
  }

  template <class T, class F>
  caf::expected<T> write_value(F&& f) {
    return run_value<T, true>(*this, std::forward<F>(f));
  }

  static bytes encode_key(const K& k) {
    return codec::encode(k);
  }

  static bytes encode(const V& v) {
    bytes out;
    detail::serialize_into(v, out);
    return out;
  }

  caf::expected<V> unseal(bytes_view key, bytes_view stored) const {
    auto payload = detail::record::unseal(key, stored, file_->path());
    if (!payload)
      return std::move(payload.error());
    return detail::deserialize<V>(*payload, file_->path());
  }

  caf::expected<K> decode_key(bytes_view stored) const {
    if constexpr (multi) {
      auto key = detail::record::bag_key(stored);
      if (!key)
        return make_error(errc::bad_file, file_->path() + ": a key does not decode");
      return codec::decode(*key, file_->path());
    } else {
      return codec::decode(stored, file_->path());
    }
  }

  caf::error put(txn& t, const K& k, const V& v) {
    auto value = encode(v);
    if constexpr (!multi) {
      auto key = encode_key(k);
      return detail::durable_file::put(t, key, detail::record::seal(key, value));
    } else {
      auto prefix = detail::record::bag_prefix(encode_key(k));
      if constexpr (Kind == kind::bag) {
        bool equal = false;
        auto err = scan_bag(t, prefix, [&](bytes_view, bytes_view sv) {
          equal = detail::record::payload_of(sv) == value;
          return !equal;
        });
        if (err || equal)
          return err;
      }
      auto seq = detail::durable_file::next_sequence(t);
      if (!seq)
        return std::move(seq.error());
      auto key = detail::record::bag_entry(std::move(prefix), *seq);
      return detail::durable_file::put(t, key, detail::record::seal(key, value));
    }
  }

  // Visits the entries under a bag's key prefix while `f(stored_key, value)`
  // says so.
  template <class F>
  static caf::error scan_bag(txn& t, bytes_view prefix, F&& f) {
    return detail::durable_file::scan(t, prefix, [&](bytes_view sk, bytes_view sv) {
      if (detail::record::in_bag(sk, prefix))
        return f(sk, sv);
      return detail::record::before_end_of_bag(sk, prefix);
    });
  }

  template <class F>
  caf::error scan_key(txn& t, const K& k, F&& f) const {
    return scan_bag(t, detail::record::bag_prefix(encode_key(k)), std::forward<F>(f));
  }

  caf::expected<bool> any_of_key(txn& t, const K& k) const {
    if constexpr (multi) {
      bool found = false;
      if (auto err = scan_key(t, k, [&](bytes_view, bytes_view) {
            found = true;
            return false;
          }))
        return err;
      return found;
    } else {
      auto r = detail::durable_file::get(t, encode_key(k));
      if (!r)
        return std::move(r.error());
      return r->has_value();
    }
  }

  caf::expected<lookup_type> collect(txn& t, const K& k) const {
    lookup_type out;
    if constexpr (multi) {
      caf::error failure;
      auto err = scan_key(t, k, [&](bytes_view sk, bytes_view sv) {
        auto v = unseal(sk, sv);
        if (!v) {
          failure = std::move(v.error());
          return false;
        }
        out.push_back(std::move(*v));
        return true;
      });
      if (err || failure)
        return err ? err : failure;
    } else {
      auto key = encode_key(k);
      auto r = detail::durable_file::get(t, key);
      if (!r)
        return std::move(r.error());
      if (!*r)
        return out;
      auto v = unseal(key, **r);
      if (!v)
        return std::move(v.error());
      out = std::move(*v);
    }
    return out;
  }

  // Erases the entries of `k` (only those whose value is `*value`, if given);
  // returns how many.
  caf::expected<std::size_t> erase_where(txn& t, const K& k, const bytes* value) {
    std::size_t n = 0;
    if constexpr (multi) {
      std::vector<bytes> doomed;
      if (auto err = scan_key(t, k, [&](bytes_view sk, bytes_view sv) {
            if (!value || detail::record::payload_of(sv) == *value)
              doomed.emplace_back(sk);
            return true;
          }))
        return err;
      for (auto& key : doomed) {
        auto r = detail::durable_file::del(t, key);
        if (!r)
          return std::move(r.error());
        n += *r ? 1 : 0;
      }
      return n;
    } else {
      auto key = encode_key(k);
      if (value) {
        auto r = detail::durable_file::get(t, key);
        if (!r)
          return std::move(r.error());
        if (!*r || detail::record::payload_of(**r) != *value)
          return n;
      }
      auto r = detail::durable_file::del(t, key);
      if (!r)
        return std::move(r.error());
      return *r ? std::size_t{1} : std::size_t{0};
    }
  }

  // Visits decoded entries with `lo <= key < hi` while `f(key, object)` says so.
  template <class F>
  caf::error visit(txn& t, const std::optional<K>& lo, const std::optional<K>& hi, F&& f) const {
    caf::error failure;
    std::optional<bytes> from;
    if (lo)
      from = encode_key(*lo);
    auto err = detail::durable_file::scan(
      t, from ? std::optional<bytes_view>{*from} : std::nullopt, [&](bytes_view sk, bytes_view sv) {
        auto k = decode_key(sk);
        auto v = unseal(sk, sv);
        if (!k || !v) {
          failure = !k ? std::move(k.error()) : std::move(v.error());
          return false;
        }
        if (hi && !Compare{}(*k, *hi))
          return false;
        return f(*k, *v);
      });
    return err ? err : failure;
  }

  caf::expected<std::optional<K>> key_after(const std::optional<K>& key, bool inclusive) const {
    return read_value<std::optional<K>>([&](txn& t) -> caf::expected<std::optional<K>> {
      std::optional<K> found;
      auto from = key ? std::optional<bytes>{encode_key(*key)} : std::nullopt;
      caf::error failure;
      auto e = detail::durable_file::scan(t, from ? std::optional<bytes_view>{*from} : std::nullopt,
                                          [&](bytes_view sk, bytes_view) {
                                            if (!inclusive && from && sk == *from)
                                              return true;
                                            auto k = decode_key(sk);
                                            if (!k)
                                              failure = std::move(k.error());
                                            else
                                              found = std::move(*k);
                                            return false;
                                          });
      if (e || failure)
        return e ? e : failure;
      return found;
    });
  }

  caf::expected<std::optional<K>> key_before(const std::optional<K>& key) const {
    return read_value<std::optional<K>>([&](txn& t) -> caf::expected<std::optional<K>> {
      auto before = key ? std::optional<bytes>{encode_key(*key)} : std::nullopt;
      auto r = detail::durable_file::last_before(t, before ? std::optional<bytes_view>{*before}
                                                           : std::nullopt);
      if (!r)
        return std::move(r.error());
      if (!*r)
        return std::optional<K>{};
      auto k = decode_key(**r);
      if (!k)
        return std::move(k.error());
      return std::optional<K>{std::move(*k)};
    });
  }

  std::shared_ptr<detail::durable_file> file_;
};

template <class K, class V>
using durable_set = durable_table<K, V, kind::set>;

template <class K, class V, class Compare = std::less<K>>
using durable_ordered_set = durable_table<K, V, kind::ordered_set, Compare>;

template <class K, class V>
using durable_bag = durable_table<K, V, kind::bag>;

template <class K, class V>
using durable_duplicate_bag = durable_table<K, V, kind::duplicate_bag>;

namespace detail {

// Every (key, object) of a durable or term-store table.
template <class K, class V, class Table>
caf::expected<std::vector<std::pair<K, V>>> all_objects(const Table& from) {
  return from.foldl(std::vector<std::pair<K, V>>{},
                    [](std::vector<std::pair<K, V>> acc, const K& k, const V& v) {
                      acc.emplace_back(k, v);
                      return acc;
                    });
}

} // namespace detail

/// Copies every object of `from` into the term-store table `to` (one batch:
/// no reader of `to` sees part of it).
template <class K, class V, ets::kind Kind, class Compare, class Storage>
caf::error load(const durable_table<K, V, Kind, Compare>& from, table<Storage>& to) {
  auto objects = detail::all_objects<K, V>(from);
  if (!objects)
    return std::move(objects.error());
  return to.insert(std::move(*objects));
}

/// Replaces the contents of `to` with every object of the term-store table
/// `from`, in one transaction.
template <class Storage, class K, class V, ets::kind Kind, class Compare>
caf::error save(const reader<Storage>& from, durable_table<K, V, Kind, Compare>& to) {
  auto objects = detail::all_objects<K, V>(from);
  if (!objects)
    return std::move(objects.error());
  return to.assign(*objects);
}

} // namespace kintsugi::ets
