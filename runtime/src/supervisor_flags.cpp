#include "kintsugi/supervisor_flags.hpp"

#include <unordered_set>

#include <fmt/core.h>

#include "kintsugi/error.hpp"
#include "kintsugi/restart_intensity.hpp"

namespace kintsugi {

const char* to_string(auto_shutdown x) noexcept {
  switch (x) {
    case auto_shutdown::never:
      return "never";
    case auto_shutdown::any_significant:
      return "any_significant";
    case auto_shutdown::all_significant:
      return "all_significant";
  }
  return "unknown";
}

caf::error validate(const supervisor_flags& flags) {
  if (!flags.strategy)
    return make_error(errc::invalid_spec, "supervisor flags without a strategy");
  return validate_restart_intensity(flags.intensity, flags.period);
}

caf::error validate_child(const supervisor_flags& flags, const child_spec& spec) {
  if (auto err = validate(spec))
    return err;
  // OTP: significant children are invalid when auto_shutdown is never.
  if (spec.significant && flags.auto_shutdown == auto_shutdown::never)
    return make_error(errc::invalid_spec,
                      fmt::format("child \"{}\": significant, but auto_shutdown is never",
                                  spec.id));
  return {};
}

caf::error validate(const supervisor_flags& flags, const std::vector<child_spec>& children) {
  if (auto err = validate(flags))
    return err;
  std::unordered_set<std::string> ids;
  for (auto& spec : children) {
    if (auto err = validate_child(flags, spec))
      return err;
    if (!ids.insert(spec.id).second)
      return make_error(errc::invalid_spec, fmt::format("duplicate child id \"{}\"", spec.id));
  }
  return {};
}

} // namespace kintsugi
