#include "kintsugi/registry.hpp"

#include <functional>
#include <mutex>

#include <caf/abstract_actor.hpp>
#include <caf/make_message.hpp>

namespace kintsugi {

namespace {

constexpr std::size_t shard_count = 16;

bool terminated(const caf::actor& x) {
  return caf::actor_cast<caf::abstract_actor*>(x)->getf(caf::abstract_actor::is_terminated_flag);
}

} // namespace

// Held by the registry and, weakly, by the functors attached to registered
// actors, which release their names when they terminate.
struct registry::shared_state {
  struct shard {
    mutable std::shared_mutex mtx;
    std::unordered_map<std::string, caf::actor> names;
  };

  std::array<shard, shard_count> shards;

  shard& shard_of(const std::string& name) {
    return shards[std::hash<std::string>{}(name) % shard_count];
  }

  // Erases `name` only while `holder` still holds it: a name taken again by
  // a restarted actor must survive the old actor's late release.
  void release(const std::string& name, caf::actor_id holder) {
    auto& s = shard_of(name);
    std::unique_lock<std::shared_mutex> guard{s.mtx};
    auto i = s.names.find(name);
    if (i != s.names.end() && i->second.id() == holder)
      s.names.erase(i);
  }
};

registry::registry() : state_(std::make_shared<shared_state>()) {
}

registry::~registry() = default;

caf::error registry::register_name(const std::string& name, const caf::actor& actor) {
  if (name.empty())
    return make_error(errc::invalid_spec, "cannot register an empty name");
  if (!actor)
    return make_error(errc::invalid_spec, "cannot register \"" + name + "\" for no actor");
  if (terminated(actor)) // as Erlang's register/2 with a dead pid: badarg
    return make_error(errc::invalid_spec,
                      "cannot register \"" + name + "\" for an actor that has ended");
  {
    auto& s = state_->shard_of(name);
    std::unique_lock<std::shared_mutex> guard{s.mtx};
    auto [i, added] = s.names.emplace(name, actor);
    if (!added) {
      if (!terminated(i->second))
        return make_error(errc::already_registered, caf::make_message(name, i->second));
      // Its holder has ended and its release is on the way: take it over.
      i->second = actor;
    }
  }
  // Attached outside the lock: it runs at once if the actor already ended.
  std::weak_ptr<shared_state> weak = state_;
  actor->attach_functor([weak, name, id{actor.id()}] {
    if (auto state = weak.lock())
      state->release(name, id);
  });
  return {};
}

caf::error registry::unregister_name(const std::string& name) {
  auto& s = state_->shard_of(name);
  std::unique_lock<std::shared_mutex> guard{s.mtx};
  if (s.names.erase(name) == 0)
    return make_error(errc::not_found, name);
  return {};
}

caf::expected<caf::actor> registry::whereis(const std::string& name) const {
  auto& s = state_->shard_of(name);
  std::shared_lock<std::shared_mutex> guard{s.mtx};
  auto i = s.names.find(name);
  // An actor that has terminated but not yet run its release is not found
  // either: callers never get a dead actor.
  if (i == s.names.end() || terminated(i->second))
    return make_error(errc::not_found, name);
  return i->second;
}

std::size_t registry::size() const {
  std::size_t result = 0;
  for (auto& s : state_->shards) {
    std::shared_lock<std::shared_mutex> guard{s.mtx};
    result += s.names.size();
  }
  return result;
}

} // namespace kintsugi
