#pragma once

/// @file
/// Keeping an actor's state safe across crashes and restarts of the whole
/// program, the pattern behind OTP's "state in ETS, and in DETS or Mnesia":
///
/// - Every state change is saved under the actor's key: into a term-store
///   table owned by the vault's keeper, an actor that outlives the workers,
///   and, when the vault has a durable path, into a durable table.
/// - On start, the actor restores its state in its deferred-init step: from
///   the term store after a crash, from disk after the program restarted.
///   Messages sent right after a (re)start wait until then, so they are
///   handled against the restored state.
/// - An actor that ends normally (`quit()`, reason `normal`: its work is
///   done) removes its saved state, so a new actor with the same key starts
///   empty. A crash, or a stop by its supervisor (`user_shutdown`, as when the
///   program shuts down), keeps it.
///
/// ```cpp
/// using vault = kintsugi::ets::state_vault<game_state>;
///
/// caf::expected<vault> open_games(caf::actor_system& sys) {
///   kintsugi::ets::vault_options opts;
///   opts.durable_path = "/var/lib/islands/games";
///   return vault::open(sys, opts);
/// }
///
/// caf::behavior game(caf::stateful_actor<kintsugi::ets::kept<game_state>>* self,
///                    vault v, std::string name) {
///   return kintsugi::ets::keep_state(self, v, name, caf::behavior{
///     [=](guess_atom, int row, int col) {
///       return self->state.update([&](game_state& g) { return g.guess(row, col); });
///     },
///   });
/// }
/// ```
///
/// Why the keeper owns the table rather than being each worker's heir: the
/// restarted worker then reads its state synchronously in its deferred init,
/// with no handshake to get a table handed back, and a worker that crashes
/// in the middle of a save never leaves the table ownerless.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/behavior.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/stateful_actor.hpp>

#include "kintsugi/deferred_init.hpp"
#include "kintsugi/error.hpp"
#include "kintsugi/ets/durable.hpp"
#include "kintsugi/ets/set.hpp"

namespace kintsugi::ets {

/// Where a vault keeps states.
struct vault_options {
  /// Registers the term-store table under this name when not empty.
  std::string name;
  /// Also keeps every state in a durable table in this file, so that states
  /// survive a restart of the program; empty: in memory only.
  std::string durable_path;
  /// How the durable table writes (per write by default: a save is on disk
  /// when it returns).
  durable_options durable;
};

namespace detail {

/// Spawns the keeper: a hidden actor that only owns tables, until told to end.
caf::actor spawn_keeper(caf::actor_system& sys);

/// The keeper as an actor pointer, to create its tables.
caf::local_actor* keeper_pointer(const caf::actor& keeper);

} // namespace detail

/// Saved states of type `State` by key; copies share one vault.
template <class State>
class state_vault {
public:
  state_vault() = default;

  explicit operator bool() const noexcept {
    return static_cast<bool>(impl_);
  }

  /// Opens a vault: starts its keeper and opens its durable table, if any.
  static caf::expected<state_vault> open(caf::actor_system& sys, vault_options opts = {}) {
    auto impl = std::make_shared<shared>();
    impl->keeper = detail::spawn_keeper(sys);
    table_options topts;
    topts.name = opts.name;
    topts.access = protection::public_access;
    topts.read_concurrency = true;
    topts.write_concurrency = true;
    auto table = set<std::string, State>::create(detail::keeper_pointer(impl->keeper), topts);
    if (!table)
      return std::move(table.error());
    impl->memory = std::move(*table);
    if (!opts.durable_path.empty()) {
      auto disk = durable_set<std::string, State>::open(opts.durable_path, opts.durable);
      if (!disk)
        return std::move(disk.error());
      impl->disk = std::move(*disk);
    }
    state_vault result;
    result.impl_ = std::move(impl);
    return result;
  }

  /// Saves `state` under `key`: in memory, then on disk.
  caf::error save(const std::string& key, const State& state) {
    if (auto err = impl_->memory.insert(key, state))
      return err;
    return impl_->disk ? impl_->disk.insert(key, state) : caf::error{};
  }

  /// The state saved under `key`: from memory, else from disk (and then kept
  /// in memory again); none when nothing is saved.
  caf::expected<std::optional<State>> restore(const std::string& key) {
    auto hit = impl_->memory.lookup(key);
    if (!hit || *hit || !impl_->disk)
      return hit;
    auto stored = impl_->disk.lookup(key);
    if (!stored)
      return stored;
    if (*stored)
      if (auto err = impl_->memory.insert(key, **stored))
        return err;
    return stored;
  }

  /// Removes what is saved under `key`, in memory and on disk.
  caf::error forget(const std::string& key) {
    if (auto err = impl_->memory.erase(key); !err)
      return std::move(err.error());
    if (impl_->disk)
      if (auto err = impl_->disk.erase(key); !err)
        return std::move(err.error());
    return {};
  }

  /// Ends the keeper (the states in memory go with it) and closes the
  /// durable table. Every copy of the vault is closed.
  caf::error close() {
    return impl_->close();
  }

private:
  struct shared {
    caf::actor keeper;
    set<std::string, State> memory;
    durable_set<std::string, State> disk;

    caf::error close() {
      caf::error result;
      if (disk)
        result = disk.close();
      disk = {};
      if (keeper)
        caf::anon_send_exit(keeper, caf::exit_reason::user_shutdown);
      keeper = nullptr;
      return result;
    }

    ~shared() {
      close();
    }
  };

  std::shared_ptr<shared> impl_;
};

/// The state of an actor that keeps it in a vault (`keep_state`).
template <class State>
struct kept {
  /// The actor's state: restored before its first message, saved by `update`.
  State value{};

  /// Applies `f` to the state and saves it; returns what `f` returns. An `f`
  /// that reports a failure (a `caf::error`, or a `caf::expected` without a
  /// value) must leave the state as it was: then there is nothing to save,
  /// and nothing is written. A state that cannot be saved ends the actor
  /// with the reason, rather than letting it run on with a state that a
  /// restart would lose.
  template <class F>
  auto update(F f) -> decltype(f(value)) {
    if constexpr (std::is_void_v<decltype(f(value))>) {
      f(value);
      save();
    } else {
      auto result = f(value);
      if (!failed(result))
        save();
      return result;
    }
  }

  /// Saves the state as it is.
  void save() {
    if (auto err = vault.save(key, value))
      throw std::runtime_error("cannot save state \"" + key + "\": " + render(err));
  }

  state_vault<State> vault;
  std::string key;

private:
  static bool failed(const caf::error& x) {
    return static_cast<bool>(x);
  }
  template <class T>
  static bool failed(const caf::expected<T>& x) {
    return !x;
  }
  template <class T>
  static bool failed(const T&) {
    return false;
  }
};

/// Makes `self` keep its state (`self->state.value`) in `vault` under `key`:
/// restores it before any message is handled (deferred init), or starts from
/// `initial` when nothing is saved, then handles messages with `running`;
/// removes it when the actor ends normally. See the file comment.
template <class State>
caf::behavior keep_state(caf::stateful_actor<kept<State>>* self, state_vault<State> vault,
                         std::string key, caf::behavior running, State initial = State{}) {
  self->state.vault = vault;
  self->state.key = key;
  self->state.value = std::move(initial);
  // exit_reason::normal is the empty error: the actor's work is done.
  self->attach_functor([vault, key](const caf::error& reason) mutable {
    if (!reason)
      vault.forget(key);
  });
  return deferred_init(
    self,
    [self] {
      auto restored = self->state.vault.restore(self->state.key);
      if (!restored)
        throw std::runtime_error("cannot restore state \"" + self->state.key
                                 + "\": " + render(restored.error()));
      if (*restored)
        self->state.value = std::move(**restored);
    },
    std::move(running));
}

} // namespace kintsugi::ets
