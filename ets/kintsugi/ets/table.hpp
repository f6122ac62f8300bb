#pragma once

/// @file
/// Handles to term-store tables (OTP's ETS). Name a table by its kind:
/// `ets::set<K, V>`, `ets::ordered_set<K, V, Compare>`, `ets::bag<K, V>`,
/// `ets::duplicate_bag<K, V>` (set.hpp, ordered_set.hpp, bag.hpp); this file
/// holds what they share.
///
/// A table lives apart from any actor's state, so it outlives the actor that
/// crashed: its owner's end deletes it unless an heir inherits it (see
/// table_options.hpp). A handle is bound to the actor that created or opened
/// it, and every operation checks that actor's rights: `reader<...>` only
/// reads, and a write handle of a protected table is only given to its owner.
///
/// ```cpp
/// using scores = kintsugi::ets::set<std::string, int>;
/// kintsugi::ets::table_options opts;
/// opts.name = "scores";
/// auto t = scores::create(self, opts);                        // self owns it
/// t->insert("Kusama", 3);
/// auto n = t->update_counter("Kusama", 1, 0);                 // 4
/// // another actor:
/// auto r = scores::open_reader(other, "scores");              // reads only
/// auto hit = r->lookup("Kusama");                             // optional{4}
/// ```
///
/// Every operation returns its result or a `caf::error`:
/// `errc::table_deleted` once the table is gone, `errc::no_access` when the
/// handle's actor may not do it. Objects are copied in and out; predicates
/// and update functions run under the table's lock and must be short and must
/// not use the table.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/local_actor.hpp>

#include "kintsugi/ets/detail/table_base.hpp"
#include "kintsugi/ets/error.hpp"
#include "kintsugi/ets/table_info.hpp"
#include "kintsugi/ets/table_options.hpp"

namespace kintsugi::ets {

template <class Storage>
class table;

/// A read-only handle. Also what a table of any kind offers for reading.
template <class Storage>
class reader {
public:
  using key_type = typename Storage::key_type;
  using object_type = typename Storage::object_type;
  /// `std::optional<V>` for set kinds, `std::vector<V>` (in insertion order)
  /// for bags.
  using lookup_type = typename Storage::lookup_type;
  static constexpr ets::kind storage_kind = Storage::table_kind;

  /// An invalid handle.
  reader() = default;

  explicit operator bool() const noexcept {
    return static_cast<bool>(store_);
  }

  /// The object(s) under `key`.
  caf::expected<lookup_type> lookup(const key_type& key) const {
    return checked_read([&] { return store_->lookup(key); });
  }

  /// `f(object)` for the object(s) under `key`, computed in place: a field
  /// without copying the whole object (ETS's lookup_element).
  template <class F>
  auto lookup_element(const key_type& key, F f) const
    -> caf::expected<decltype(std::declval<const Storage&>().lookup_element(key, f))> {
    return checked_read([&] { return store_->lookup_element(key, f); });
  }

  caf::expected<bool> member(const key_type& key) const {
    return checked_read([&] { return store_->member(key); });
  }

  /// The number of objects.
  caf::expected<std::size_t> size() const {
    return checked_read([&] { return store_->size(); });
  }

  caf::expected<table_info> info() const {
    return checked_read([&] { return store_->info(); });
  }

  /// `acc = f(acc, key, object)` over every object (ETS's foldl). Safe under
  /// concurrent writes: no object is visited twice, and every object present
  /// throughout is visited.
  template <class Acc, class F>
  caf::expected<Acc> foldl(Acc acc, F f) const {
    return checked_read([&] {
      store_->for_each(
        [&](const key_type& k, const object_type& v) { acc = f(std::move(acc), k, v); });
      return std::move(acc);
    });
  }

  /// The (key, object) pairs for which `pred(key, object)` holds (ETS's
  /// select with a match specification, as a predicate).
  template <class Pred>
  caf::expected<std::vector<std::pair<key_type, object_type>>> select(Pred pred) const {
    return checked_read([&] {
      std::vector<std::pair<key_type, object_type>> out;
      store_->for_each([&](const key_type& k, const object_type& v) {
        if (pred(k, v))
          out.emplace_back(k, v);
      });
      return out;
    });
  }

  /// The objects for which `pred(object)` holds (ETS's match_object).
  template <class Pred>
  caf::expected<std::vector<object_type>> match_object(Pred pred) const {
    return checked_read([&] {
      std::vector<object_type> out;
      store_->for_each([&](const key_type&, const object_type& v) {
        if (pred(v))
          out.push_back(v);
      });
      return out;
    });
  }

  /// How many objects `pred(key, object)` holds for.
  template <class Pred>
  caf::expected<std::size_t> select_count(Pred pred) const {
    return checked_read([&] {
      std::size_t n = 0;
      store_->for_each([&](const key_type& k, const object_type& v) { n += pred(k, v) ? 1 : 0; });
      return n;
    });
  }

  // -- traversal ---------------------------------------------------------------

  /// ordered_set: the smallest key, or none when the table is empty. Keys
  /// come in order with next(); a concurrent write never makes a traversal
  /// return a key twice or skip a key present throughout.
  caf::expected<std::optional<key_type>> first() const {
    static_assert(Storage::ordered, "first/next/last/prev: ordered_set only; use traverse()");
    return checked_read([&] { return store_->first(); });
  }

  caf::expected<std::optional<key_type>> next(const key_type& key) const {
    static_assert(Storage::ordered, "first/next/last/prev: ordered_set only; use traverse()");
    return checked_read([&] { return store_->next(key); });
  }

  caf::expected<std::optional<key_type>> last() const {
    static_assert(Storage::ordered, "first/next/last/prev: ordered_set only; use traverse()");
    return checked_read([&] { return store_->last(); });
  }

  caf::expected<std::optional<key_type>> prev(const key_type& key) const {
    static_assert(Storage::ordered, "first/next/last/prev: ordered_set only; use traverse()");
    return checked_read([&] { return store_->prev(key); });
  }

  /// ordered_set: the objects with `lo <= key < hi` in key order (an empty
  /// bound is open), found by seeking, without scanning the table.
  caf::expected<std::vector<std::pair<key_type, object_type>>>
  range(const std::optional<key_type>& lo, const std::optional<key_type>& hi) const {
    static_assert(Storage::ordered, "range: ordered_set only");
    return checked_read([&] {
      std::vector<std::pair<key_type, object_type>> out;
      store_->for_range(lo, hi,
                        [&](const key_type& k, const object_type& v) { out.emplace_back(k, v); });
      return out;
    });
  }

  /// A hash table's keys one by one (ETS's first/next under
  /// safe_fixtable): the keys of one stripe are taken at a time, so a
  /// concurrent write never makes it return a key twice or skip a key
  /// present throughout; a key inserted meanwhile may or may not come.
  class cursor {
  public:
    /// The next key; none at the end.
    caf::expected<std::optional<key_type>> next() {
      return guarded(
        store_->may_read(who_), [this] { return store_->check_read(who_); },
        [this] { return advance(); });
    }

  private:
    std::optional<key_type> advance() {
      for (;;) {
        if (pos_ < keys_.size())
          return std::move(keys_[pos_++]);
        if (stripe_ == store_->stripe_count())
          return std::nullopt;
        keys_ = store_->keys_of_stripe(stripe_++);
        pos_ = 0;
      }
    }

    friend class reader;
    cursor(std::shared_ptr<Storage> store, caf::actor_id who)
      : store_(std::move(store)), who_(who) {
    }
    std::shared_ptr<Storage> store_;
    caf::actor_id who_;
    std::size_t stripe_ = 0;
    std::vector<key_type> keys_;
    std::size_t pos_ = 0;
  };

  /// Starts a traversal of a set, bag or duplicate_bag.
  cursor traverse() const {
    static_assert(!Storage::ordered, "traverse: hash tables; use first/next on ordered_set");
    return cursor{store_, who_};
  }

  /// The table's name; empty when it has none.
  const std::string& name() const noexcept {
    return store_->name();
  }

  /// The actor system the table belongs to.
  caf::actor_system& home_system() const noexcept {
    return store_->home_system();
  }

  /// Opens the table registered under `name` for reading by `self`. Errors:
  /// `errc::not_found`, `errc::wrong_type` (another kind or other types),
  /// `errc::no_access` (private, and `self` is not the owner).
  static caf::expected<reader> open(caf::local_actor* self, const std::string& name) {
    auto found = find<Storage>(self, name);
    if (!found)
      return std::move(found.error());
    if (auto err = (*found)->check_read(self->id()))
      return err;
    return reader{std::move(*found), self->id()};
  }

protected:
  template <class>
  friend class table;

  reader(std::shared_ptr<Storage> store, caf::actor_id who) : store_(std::move(store)), who_(who) {
  }

  template <class S>
  static caf::expected<std::shared_ptr<S>> find(caf::local_actor* self, const std::string& name) {
    auto base = detail::find_table(self->home_system(), name);
    if (!base)
      return make_error(errc::not_found, "no table named \"" + name + "\"");
    if (auto err = base->check_type(S::table_kind, typeid(typename S::key_type),
                                    typeid(typename S::object_type)))
      return err;
    return std::static_pointer_cast<S>(base);
  }

  // Runs `f` when the handle's actor may read (`may`) or write the table, and
  // gives its result, or why the actor may not (`refusal`). The allowed path
  // costs one inline check; a void `f` gives an empty caf::error.
  template <class Refusal, class F>
  static auto guarded(bool may, Refusal refusal, F&& f) {
    using result = decltype(f());
    if constexpr (std::is_void_v<result>) {
      if (!may)
        return refusal();
      f();
      return caf::error{};
    } else {
      if (!may)
        return caf::expected<result>{refusal()};
      return caf::expected<result>{f()};
    }
  }

  template <class F>
  auto checked_read(F&& f) const {
    return guarded(
      store_->may_read(who_), [this] { return store_->check_read(who_); }, std::forward<F>(f));
  }

  std::shared_ptr<Storage> store_;
  caf::actor_id who_ = 0;
};

/// A read-write handle: what the owner gets, and anyone of a public table.
template <class Storage>
class table : public reader<Storage> {
public:
  using base = reader<Storage>;
  using typename base::key_type;
  using typename base::lookup_type;
  using typename base::object_type;

  /// An invalid handle.
  table() = default;

  /// Creates a table owned by `self`. Errors: `errc::already_registered`
  /// when `opts.name` is taken in this actor system.
  template <class... Ts>
  static caf::expected<table>
  create(caf::local_actor* self, table_options opts = {}, Ts&&... storage_args) {
    auto store = std::make_shared<Storage>(opts, std::forward<Ts>(storage_args)...);
    if (auto err = store->start(self->home_system(), caf::actor_cast<caf::actor>(self)))
      return err;
    return table{std::move(store), self->id()};
  }

  /// Opens the table registered under `name` for writing by `self`: refused
  /// with `errc::no_access` unless the table is public or `self` owns it (use
  /// `reader<...>::open` to read a protected table).
  static caf::expected<table> open(caf::local_actor* self, const std::string& name) {
    auto found = base::template find<Storage>(self, name);
    if (!found)
      return std::move(found.error());
    if (auto err = (*found)->check_write(self->id()))
      return err;
    return table{std::move(*found), self->id()};
  }

  /// Opens the table registered under `name` for reading by `self` (see
  /// `reader::open`).
  static caf::expected<base> open_reader(caf::local_actor* self, const std::string& name) {
    return base::open(self, name);
  }

  /// The handle to a table `self` was given (`ets::transfer`). Errors:
  /// `errc::wrong_type`, `errc::no_access` when `self` does not own it (any
  /// more).
  static caf::expected<table> adopt(caf::local_actor* self, const transfer& t) {
    if (!t.table)
      return make_error(errc::not_found, "a transfer without a table");
    if (auto err = t.table->check_type(Storage::table_kind, typeid(key_type), typeid(object_type)))
      return err;
    if (t.table->owner_id() != self->id())
      return make_error(errc::no_access, "the table was given to another actor");
    return table{std::static_pointer_cast<Storage>(t.table), self->id()};
  }

  /// A read-only handle to the same table, for the same actor.
  base read_only() const {
    return base{this->store_, this->who_};
  }

  // -- writes ------------------------------------------------------------------

  /// Inserts `object` under `key`: a set replaces, a bag keeps one of equal
  /// objects, a duplicate_bag keeps them all.
  caf::error insert(key_type key, object_type object) {
    return checked_write([&] { this->store_->insert(std::move(key), std::move(object)); });
  }

  /// Inserts all objects at once: no reader sees some without the others.
  caf::error insert(std::vector<std::pair<key_type, object_type>> objects) {
    return checked_write([&] { this->store_->insert(std::move(objects)); });
  }

  /// Inserts unless the key is present; false when it was.
  caf::expected<bool> insert_new(key_type key, object_type object) {
    return checked_write(
      [&] { return this->store_->insert_new(std::move(key), std::move(object)); });
  }

  /// Inserts all objects unless any key is present; then none, and false.
  caf::expected<bool> insert_new(std::vector<std::pair<key_type, object_type>> objects) {
    return checked_write([&] { return this->store_->insert_new(std::move(objects)); });
  }

  /// Erases every object under `key`; returns how many.
  caf::expected<std::size_t> erase(const key_type& key) {
    return checked_write([&] { return this->store_->erase(key); });
  }

  /// Erases the objects under `key` equal to `object` (all copies in a
  /// duplicate_bag); returns how many.
  caf::expected<std::size_t> erase_object(const key_type& key, const object_type& object) {
    return checked_write([&] { return this->store_->erase_object(key, object); });
  }

  /// Looks up and erases at once.
  caf::expected<lookup_type> take(const key_type& key) {
    return checked_write([&] { return this->store_->take(key); });
  }

  /// Erases everything (ETS's delete_all_objects).
  caf::error clear() {
    return checked_write([&] { this->store_->clear(); });
  }

  /// Erases every object `pred(key, object)` holds for; returns how many.
  template <class Pred>
  caf::expected<std::size_t> select_delete(Pred pred) {
    return checked_write([&] { return this->store_->erase_if(pred); });
  }

  /// set, ordered_set: applies `f(object&)` to the object under `key` in
  /// place, atomically. Returns false when the key is missing.
  template <class F>
  caf::expected<bool> update(const key_type& key, F f) {
    return checked_write([&] {
      return this->store_
        ->update(key, std::nullopt,
                 [&](object_type& x) {
                   f(x);
                   return true;
                 })
        .has_value();
    });
  }

  /// set, ordered_set: adds `delta` to the number `field(object)` refers to,
  /// atomically, inserting `initial` first when the key is missing, and
  /// returns the new value (ETS's update_counter with a default object).
  template <class N, class Field>
  caf::expected<N> update_counter(const key_type& key, N delta, object_type initial, Field field) {
    return checked_write([&] {
      return *this->store_->update(key, std::optional<object_type>{std::move(initial)},
                                   [&](object_type& x) -> N {
                                     auto& n = field(x);
                                     n += delta;
                                     return n;
                                   });
    });
  }

  /// update_counter for a table whose objects are the numbers themselves.
  caf::expected<object_type> update_counter(const key_type& key, object_type delta,
                                            object_type initial = object_type{}) {
    static_assert(std::is_arithmetic_v<object_type>,
                  "without a field, the objects must be numbers");
    return update_counter(key, delta, initial, [](object_type& x) -> object_type& { return x; });
  }

  // -- ownership -----------------------------------------------------------------

  /// Hands the table to `to`, which receives `ets::transfer` with `data`. Only
  /// the owner may; this handle then loses its owner's rights.
  caf::error give_away(const caf::actor& to, caf::message data = {}) {
    return this->store_->give_away(this->who_, to, std::move(data));
  }

  /// Sets the heir (an invalid actor: none). Only the owner may.
  caf::error set_heir(const caf::actor& heir, caf::message data = {}) {
    return this->store_->set_heir(this->who_, heir, std::move(data));
  }

  /// Deletes the table now (ETS's delete/1); its name is free again.
  caf::error destroy() {
    return this->store_->destroy(this->who_);
  }

private:
  table(std::shared_ptr<Storage> store, caf::actor_id who) : base(std::move(store), who) {
  }

  template <class F>
  auto checked_write(F&& f) {
    return base::guarded(
      this->store_->may_write(this->who_), [this] { return this->store_->check_write(this->who_); },
      std::forward<F>(f));
  }
};

} // namespace kintsugi::ets
