#include "kintsugi/child_spec.hpp"

#include <caf/message.hpp>
#include <caf/sec.hpp>

#include <fmt/core.h>

#include "backoff_tracker.hpp"
#include "kintsugi/error.hpp"
#include "kintsugi/longest_duration.hpp"

namespace kintsugi {

shutdown_policy shutdown_policy::brutal_kill() noexcept {
  return {kind::brutal_kill, std::chrono::milliseconds{0}};
}

shutdown_policy shutdown_policy::timeout(std::chrono::milliseconds after) noexcept {
  return {kind::timeout, after};
}

shutdown_policy shutdown_policy::infinity() noexcept {
  return {kind::infinity, std::chrono::milliseconds{0}};
}

std::string to_string(const shutdown_policy& x) {
  switch (x.what()) {
    case shutdown_policy::kind::brutal_kill:
      return "brutal_kill";
    case shutdown_policy::kind::infinity:
      return "infinity";
    case shutdown_policy::kind::timeout:
      break;
  }
  return fmt::format("{} ms", x.after().count());
}

shutdown_policy child_spec::effective_shutdown() const noexcept {
  if (shutdown)
    return *shutdown;
  return type == child_type::worker ? shutdown_policy::timeout(std::chrono::seconds{5})
                                    : shutdown_policy::infinity();
}

caf::error validate(const child_spec& spec) {
  auto invalid = [&](const char* what) {
    return make_error(errc::invalid_spec, fmt::format("child \"{}\": {}", spec.id, what));
  };
  if (spec.id.empty())
    return make_error(errc::invalid_spec, "child spec without an id");
  if (!spec.start)
    return invalid("no start function");
  if (spec.shutdown && spec.shutdown->what() == shutdown_policy::kind::timeout) {
    if (spec.shutdown->after().count() < 0)
      return invalid("negative shutdown timeout");
    if (spec.shutdown->after() > longest_duration)
      return invalid("shutdown timeout longer than a century; for no limit, use "
                     "shutdown_policy::infinity()");
  }
  if (spec.name && (!spec.name->where || spec.name->name.empty()))
    return invalid("a name needs a registry and a non-empty name");
  if (spec.significant && spec.restart == restart_type::permanent)
    return invalid("a permanent child cannot be significant");
  if (spec.backoff)
    if (auto problem = detail::backoff_problem(*spec.backoff))
      return invalid(problem);
  return {};
}

namespace detail {

caf::error extra_arguments_mismatch(std::size_t expected, const caf::message& got) {
  return caf::make_error(caf::sec::invalid_argument,
                         fmt::format("the start function takes {} extra argument(s), got {}",
                                     expected, caf::to_string(got)));
}

} // namespace detail

} // namespace kintsugi
