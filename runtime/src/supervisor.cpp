#include "kintsugi/supervisor.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "kintsugi/error.hpp"
#include "supervisor_actor.hpp"

namespace kintsugi {

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_flags flags,
                            std::vector<child_spec> children) {
  return sys.spawn<detail::supervisor_actor>(std::move(flags), std::move(children));
}

caf::expected<caf::actor> start_supervisor(caf::actor_system& sys, supervisor_flags flags,
                                           std::vector<child_spec> children) {
  if (auto err = validate(flags, children))
    return err;
  // The supervisor tells this actor when its children are up; asking it
  // instead could come too late for a tree that ends itself at once.
  caf::scoped_actor self{sys, true};
  auto sup = sys.spawn<detail::supervisor_actor>(std::move(flags), std::move(children),
                                                 self->address());
  self->monitor(sup);
  caf::error failure;
  self->receive([](started_atom) {},
                [&](caf::down_msg& down) {
                  failure = down.reason ? std::move(down.reason)
                                        : caf::make_error(caf::sec::runtime_error,
                                                          "supervisor ended during its start");
                });
  if (failure)
    return failure;
  return sup;
}

child_spec supervisor_spec(std::string id, supervisor_flags flags,
                           std::vector<child_spec> children) {
  return detail::child_supervisor_spec<detail::supervisor_actor>(std::move(id), std::move(flags),
                                                                 std::move(children));
}

} // namespace kintsugi
