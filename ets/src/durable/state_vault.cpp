#include "kintsugi/ets/state_vault.hpp"

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>

namespace kintsugi::ets::detail {

caf::actor spawn_keeper(caf::actor_system& sys) {
  // Hidden: the keeper serves the program's actors and ends when its vault
  // is closed or goes; it does not hold up the actor system's shutdown.
  return sys.spawn<caf::hidden>(
    [](caf::event_based_actor*) -> caf::behavior { return {[](caf::ok_atom) {}}; });
}

caf::local_actor* keeper_pointer(const caf::actor& keeper) {
  return dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(keeper));
}

} // namespace kintsugi::ets::detail
