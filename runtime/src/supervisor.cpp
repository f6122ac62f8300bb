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
  auto sup = spawn_supervisor(sys, std::move(flags), std::move(children));
  caf::scoped_actor self{sys, true};
  self->monitor(sup);
  caf::error failure;
  self->request(sup, caf::infinite, ready_atom::value)
    .receive([](caf::ok_atom) {}, [&](caf::error& err) { failure = std::move(err); });
  if (failure == caf::sec::request_receiver_down) {
    // It failed before it read the request: its exit reason says why.
    self->receive([&](caf::down_msg& down) { failure = std::move(down.reason); });
  }
  if (failure)
    return failure;
  return sup;
}

child_spec supervisor_spec(std::string id, supervisor_flags flags,
                           std::vector<child_spec> children) {
  child_spec spec;
  spec.id = id;
  spec.type = child_type::supervisor;
  spec.ack = init_ack::on_ready_request;
  spec.start = [id, flags{std::move(flags)},
                children{std::move(children)}](start_context& ctx) -> start_result {
    auto own = flags;
    if (own.name.empty())
      own.name = id;
    if (!own.reports)
      own.reports = ctx.reports();
    return ctx.supervisor().spawn<detail::supervisor_actor>(std::move(own), children);
  };
  return spec;
}

} // namespace kintsugi
