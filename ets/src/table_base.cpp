#include "kintsugi/ets/detail/table_base.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/make_message.hpp>
#include <caf/send.hpp>

#include <fmt/core.h>

#include "kintsugi/ets/error.hpp"

namespace kintsugi::ets {

const char* to_string(kind x) noexcept {
  switch (x) {
    case kind::set:
      return "set";
    case kind::ordered_set:
      return "ordered_set";
    case kind::bag:
      return "bag";
    case kind::duplicate_bag:
      return "duplicate_bag";
  }
  return "unknown";
}

const char* to_string(protection x) noexcept {
  switch (x) {
    case protection::private_access:
      return "private";
    case protection::protected_access:
      return "protected";
    case protection::public_access:
      return "public";
  }
  return "unknown";
}

namespace detail {

namespace {

// Named tables, and all tables, per actor system. An entry goes when its
// table is deleted, and every table is deleted when its owner ends, so none
// outlives its system.
struct name_registry {
  std::mutex mtx;
  std::unordered_map<const caf::actor_system*,
                     std::unordered_map<std::string, std::weak_ptr<table_base>>>
    names;
  std::unordered_map<const caf::actor_system*,
                     std::unordered_map<const table_base*, std::weak_ptr<table_base>>>
    all;
};

name_registry& names() {
  static name_registry instance;
  return instance;
}

bool alive(const caf::actor& x) {
  return x
         && !caf::actor_cast<caf::abstract_actor*>(x)->getf(
           caf::abstract_actor::is_terminated_flag);
}

} // namespace

table_base::table_base(ets::kind k, const table_options& opts, const std::type_info& key,
                       const std::type_info& object)
  : kind_(k),
    access_(opts.access),
    name_(opts.name),
    key_(key),
    object_(object),
    heir_(opts.heir ? opts.heir.address() : caf::actor_addr{}),
    heir_data_(opts.heir_data) {
}

table_base::~table_base() = default;

caf::actor table_base::owner() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return caf::actor_cast<caf::actor>(owner_);
}

caf::actor table_base::heir() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return caf::actor_cast<caf::actor>(heir_);
}

table_info table_base::info() const {
  table_info result;
  result.kind = kind_;
  result.size = size();
  result.memory = memory();
  result.owner = owner();
  result.heir = heir();
  result.access = access_;
  result.name = name_;
  return result;
}

caf::error table_base::check_type(ets::kind k, const std::type_info& key,
                                  const std::type_info& object) const {
  if (k == kind_ && key == key_ && object == object_)
    return {};
  return make_error(errc::wrong_type,
                    fmt::format("table \"{}\" is a {} of {} -> {}, not a {} of {} -> {}", name_,
                                to_string(kind_), key_.name(), object_.name(), to_string(k),
                                key.name(), object.name()));
}

caf::error table_base::deleted_error() const {
  return make_error(errc::table_deleted, name_.empty() ? std::string{"table"} : name_);
}

caf::error table_base::denied_error(const char* why) const {
  return make_error(errc::no_access,
                    fmt::format("table \"{}\" is {} and this actor is not its owner", name_, why));
}

caf::error table_base::start(caf::actor_system& sys, const caf::actor& owner) {
  if (!alive(owner))
    return make_error(errc::no_access, "a table needs a live owner");
  system_ = &sys;
  {
    auto& reg = names();
    std::lock_guard<std::mutex> guard{reg.mtx};
    if (!name_.empty()) {
      auto& slot = reg.names[&sys][name_];
      if (auto existing = slot.lock(); existing && !existing->deleted())
        return make_error(errc::already_registered, "table name \"" + name_ + "\" is taken");
      slot = shared_from_this();
    }
    reg.all[&sys].emplace(this, shared_from_this());
  }
  hand_over(owner, {}, {});
  return {};
}

caf::error table_base::give_away(caf::actor_id by, const caf::actor& to, caf::message data) {
  if (deleted())
    return deleted_error();
  if (owner_id() != by)
    return make_error(errc::no_access, "only the owner gives a table away");
  if (!alive(to))
    return make_error(errc::no_access, "a table can only be given to a live actor");
  if (to.id() == by)
    return make_error(errc::no_access, "the actor owns the table already");
  caf::actor_addr from;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    from = owner_;
  }
  hand_over(to, std::move(from), std::move(data));
  return {};
}

caf::error table_base::set_heir(caf::actor_id by, caf::actor heir, caf::message data) {
  if (deleted())
    return deleted_error();
  if (owner_id() != by)
    return make_error(errc::no_access, "only the owner sets the heir");
  std::lock_guard<std::mutex> guard{mtx_};
  heir_ = heir ? heir.address() : caf::actor_addr{};
  heir_data_ = std::move(data);
  return {};
}

caf::error table_base::destroy(caf::actor_id by) {
  if (auto err = check_write(by))
    return err;
  remove();
  return {};
}

void table_base::hand_over(const caf::actor& to, caf::actor_addr from, caf::message data) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    owner_ = to.address();
    owner_id_.store(to.id(), std::memory_order_release);
  }
  // The owner's functor keeps the table alive while it lives: a table is
  // not deleted because no handle is left, only with its owner. It runs at
  // once if `to` has ended meanwhile.
  to->attach_functor([self = shared_from_this(), id = to.id()] { self->owner_ended(id); });
  if (from)
    caf::anon_send(to, transfer{shared_from_this(), std::move(from), std::move(data)});
}

void table_base::owner_ended(caf::actor_id who) {
  caf::actor heir;
  caf::actor_addr from;
  caf::message data;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    // Given away since: the new owner's functor decides.
    if (owner_id() != who || deleted())
      return;
    heir = caf::actor_cast<caf::actor>(heir_);
    from = owner_;
    data = heir_data_;
  }
  // ETS: the table goes to a live heir, and is deleted otherwise. The heir
  // setting stays, so an heir that gives the table back to a restarted actor
  // inherits it again at its next crash.
  if (heir && heir.id() != who && alive(heir))
    hand_over(heir, std::move(from), std::move(data));
  else
    remove();
}

void table_base::remove() {
  if (deleted_.exchange(true, std::memory_order_acq_rel))
    return;
  if (system_ != nullptr) {
    auto& reg = names();
    std::lock_guard<std::mutex> guard{reg.mtx};
    auto sys = reg.names.find(system_);
    if (!name_.empty() && sys != reg.names.end()) {
      auto i = sys->second.find(name_);
      if (i != sys->second.end() && i->second.lock().get() == this)
        sys->second.erase(i);
      if (sys->second.empty())
        reg.names.erase(sys);
    }
    if (auto all = reg.all.find(system_); all != reg.all.end()) {
      all->second.erase(this);
      if (all->second.empty())
        reg.all.erase(all);
    }
  }
  drop_all();
}

std::shared_ptr<table_base> find_table(caf::actor_system& sys, const std::string& name) {
  auto& reg = names();
  std::lock_guard<std::mutex> guard{reg.mtx};
  auto s = reg.names.find(&sys);
  if (s == reg.names.end())
    return nullptr;
  auto i = s->second.find(name);
  if (i == s->second.end())
    return nullptr;
  auto table = i->second.lock();
  return table && !table->deleted() ? table : nullptr;
}

} // namespace detail

std::vector<table_info> all_tables(caf::actor_system& sys) {
  std::vector<std::shared_ptr<detail::table_base>> tables;
  {
    auto& reg = detail::names();
    std::lock_guard<std::mutex> guard{reg.mtx};
    if (auto all = reg.all.find(&sys); all != reg.all.end())
      for (auto& [ptr, weak] : all->second)
        if (auto table = weak.lock())
          tables.push_back(std::move(table));
  }
  // Outside the registry's lock: info() takes each table's own.
  std::vector<table_info> result;
  for (auto& table : tables)
    if (!table->deleted())
      result.push_back(table->info());
  std::sort(result.begin(), result.end(),
            [](const table_info& x, const table_info& y) { return x.name < y.name; });
  return result;
}

} // namespace kintsugi::ets
