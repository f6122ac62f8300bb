#pragma once

/// @file
/// Unique names for actors that survive restarts (the role of Erlang's
/// registered names and Elixir's `Registry` with `{:via, ...}`).
///
/// A name maps to one live actor. It is released by itself when that actor
/// terminates, so a lookup never returns an actor that has terminated: between
/// a crash and the restart, the name is simply not found. A child spec that
/// carries a name (`child_spec::name`) is registered again under it each time
/// its supervisor starts it, so callers keep reaching a restarted child by name.
///
/// ```cpp
/// auto names = std::make_shared<kintsugi::registry>();
/// auto spec = kintsugi::worker_spec("game", game_actor);
/// spec.name = kintsugi::registered_name{names, "Kusama"};
/// // ... start a supervisor with `spec` among its children
/// if (auto err = kintsugi::send_by_name(*names, "Kusama", guess_atom::value, 3, 4))
///   std::cerr << kintsugi::render(err) << '\n'; // not_found: nobody holds the name now
/// auto hit = kintsugi::call_by_name<bool>(*names, "Kusama", 1s, guess_atom::value, 3, 4);
/// ```
///
/// `call_by_name` (call.hpp) waits for the reply, from code outside actors;
/// inside an actor, `whereis` then `request` as usual.
///
/// Thread-safe; lookups take a shared lock on one of several shards, so they
/// scale with readers (the registry is read far more often than written).

#include <array>
#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/send.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi {

class registry {
public:
  registry();
  ~registry();

  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  /// Registers `actor` under `name`. Errors: `errc::already_registered`
  /// (context: the actor that holds the name), `errc::invalid_spec` for an
  /// empty name, an invalid actor or one that has ended.
  caf::error register_name(const std::string& name, const caf::actor& actor);

  /// Releases `name`, whoever holds it. Returns `errc::not_found` if nobody does.
  caf::error unregister_name(const std::string& name);

  /// The live actor registered under `name`, or `errc::not_found`.
  caf::expected<caf::actor> whereis(const std::string& name) const;

  /// How many names are registered.
  std::size_t size() const;

private:
  struct shared_state;
  std::shared_ptr<shared_state> state_;
};

/// A name under which a supervisor registers a child each time it starts it.
struct registered_name {
  std::shared_ptr<registry> where;
  std::string name;
};

/// Sends `xs...` to the actor registered under `name`, anonymously. Returns
/// `errc::not_found` when no actor holds the name.
template <class... Ts>
caf::error send_by_name(const registry& names, const std::string& name, Ts&&... xs) {
  auto dest = names.whereis(name);
  if (!dest)
    return dest.error();
  caf::anon_send(*dest, std::forward<Ts>(xs)...);
  return {};
}

} // namespace kintsugi
