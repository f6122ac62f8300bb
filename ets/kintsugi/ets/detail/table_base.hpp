#pragma once

// What every table is, whatever its kind and types: its owner, heir, access
// rights and name, and the life cycle ETS gives them. Internal: users go
// through the typed tables.

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <typeinfo>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/message.hpp>

#include "kintsugi/ets/table_info.hpp"
#include "kintsugi/ets/table_options.hpp"

namespace kintsugi::ets::detail {

class table_base : public std::enable_shared_from_this<table_base> {
public:
  table_base(ets::kind k, const table_options& opts, const std::type_info& key,
             const std::type_info& object);
  virtual ~table_base();

  table_base(const table_base&) = delete;
  table_base& operator=(const table_base&) = delete;

  // -- properties ------------------------------------------------------------

  ets::kind kind() const noexcept {
    return kind_;
  }
  protection access() const noexcept {
    return access_;
  }
  const std::string& name() const noexcept {
    return name_;
  }
  caf::actor_system& home_system() const noexcept {
    return *system_;
  }
  const std::type_info& key_type() const noexcept {
    return key_;
  }
  const std::type_info& object_type() const noexcept {
    return object_;
  }
  bool deleted() const noexcept {
    return deleted_.load(std::memory_order_acquire);
  }
  caf::actor_id owner_id() const noexcept {
    return owner_id_.load(std::memory_order_acquire);
  }
  caf::actor owner() const;
  caf::actor heir() const;
  table_info info() const;

  /// Whether the table has this kind and these types; an error naming both
  /// otherwise (`errc::wrong_type`).
  caf::error check_type(ets::kind k, const std::type_info& key, const std::type_info& object) const;

  // -- access, checked on every operation --------------------------------------
  // The bool checks are the hot path; a caf::error is only made to say why.

  bool may_read(caf::actor_id who) const noexcept {
    return !deleted() && (access_ != protection::private_access || owner_id() == who);
  }

  bool may_write(caf::actor_id who) const noexcept {
    return !deleted() && (access_ == protection::public_access || owner_id() == who);
  }

  caf::error check_read(caf::actor_id who) const noexcept {
    if (deleted())
      return deleted_error();
    if (access_ == protection::private_access && owner_id() != who)
      return denied_error("private");
    return {};
  }

  caf::error check_write(caf::actor_id who) const noexcept {
    if (deleted())
      return deleted_error();
    if (access_ != protection::public_access && owner_id() != who)
      return denied_error(access_ == protection::private_access ? "private" : "protected");
    return {};
  }

  // -- the storage ---------------------------------------------------------------

  virtual std::size_t size() const = 0;
  virtual std::size_t memory() const = 0;

  // -- life cycle (thread-safe) ------------------------------------------------------

  /// Registers the name, if any, and makes `owner` the owner: the table is
  /// deleted when it ends, or handed to the heir.
  caf::error start(caf::actor_system& sys, const caf::actor& owner);

  /// ETS's give_away: only the owner may, to another live actor, which
  /// receives `ets::transfer` with `data`.
  caf::error give_away(caf::actor_id by, const caf::actor& to, caf::message data);

  /// ETS's setopts heir: only the owner may; an invalid actor means none.
  caf::error set_heir(caf::actor_id by, caf::actor heir, caf::message data);

  /// ETS's delete/1: whoever may write the table.
  caf::error destroy(caf::actor_id by);

protected:
  // Frees every object; the table is deleted.
  virtual void drop_all() = 0;

private:
  caf::error deleted_error() const;
  caf::error denied_error(const char* why) const;
  void owner_ended(caf::actor_id who);
  // Makes `to` the owner and sends it the transfer; called without mtx_.
  void hand_over(const caf::actor& to, caf::actor_addr from, caf::message data);
  void remove();

  const ets::kind kind_;
  const protection access_;
  const std::string name_;
  const std::type_info& key_;
  const std::type_info& object_;
  std::atomic<bool> deleted_{false};
  std::atomic<caf::actor_id> owner_id_{0};
  caf::actor_system* system_ = nullptr;
  // Guards the handles below; never held while calling into CAF.
  mutable std::mutex mtx_;
  caf::actor_addr owner_;
  caf::actor_addr heir_;
  caf::message heir_data_;
};

/// The table registered under `name` in `sys`, or none.
std::shared_ptr<table_base> find_table(caf::actor_system& sys, const std::string& name);

} // namespace kintsugi::ets::detail
