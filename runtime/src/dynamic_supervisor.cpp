#include "kintsugi/dynamic_supervisor.hpp"

#include <caf/actor_system.hpp>

#include <fmt/core.h>

#include "dynamic_supervisor_actor.hpp"
#include "kintsugi/error.hpp"
#include "kintsugi/restart_intensity.hpp"

namespace kintsugi {

caf::error validate(const dynamic_supervisor_flags& flags) {
  if (auto err = validate_restart_intensity(flags.intensity, flags.period))
    return err;
  if (flags.child_template) {
    if (auto err = validate(*flags.child_template))
      return err;
    if (flags.child_template->significant)
      return make_error(errc::invalid_spec,
                        fmt::format("child template \"{}\": significant, but a dynamic "
                                    "supervisor has no auto_shutdown",
                                    flags.child_template->id));
  }
  return {};
}

caf::actor spawn_dynamic_supervisor(caf::actor_system& sys, dynamic_supervisor_flags flags) {
  return sys.spawn<detail::dynamic_supervisor_actor>(std::move(flags));
}

caf::expected<caf::actor> start_dynamic_supervisor(caf::actor_system& sys,
                                                   dynamic_supervisor_flags flags) {
  if (auto err = validate(flags))
    return err;
  return spawn_dynamic_supervisor(sys, std::move(flags));
}

child_spec dynamic_supervisor_spec(std::string id, dynamic_supervisor_flags flags) {
  return detail::child_supervisor_spec<detail::dynamic_supervisor_actor>(std::move(id),
                                                                         std::move(flags));
}

} // namespace kintsugi
