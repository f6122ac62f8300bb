#include "exit_plan.hpp"

#include <algorithm>
#include <exception>

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

#include "kintsugi/error.hpp"

namespace kintsugi::detail {

child_view child_table::operator[](std::size_t index) const {
  auto& x = spec(index);
  return {x.id, x.restart, x.type, has_actor(phase(index))};
}

bool restarts(restart_type restart, const caf::error& reason) noexcept {
  switch (restart) {
    case restart_type::permanent:
      return true;
    case restart_type::transient:
      return !is_normal_exit(reason);
    case restart_type::temporary:
      return false;
  }
  return false;
}

namespace {

// OTP's auto_shutdown: a significant child that ended for good stops the
// supervisor at once (any_significant), or once no significant child is left
// with an actor or a restart to come (all_significant).
bool ends_supervisor(const child_table& children, std::size_t exited,
                     kintsugi::auto_shutdown rule) {
  if (!children.spec(exited).significant || rule == auto_shutdown::never)
    return false;
  if (rule == auto_shutdown::any_significant)
    return true;
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i == exited || !children.spec(i).significant)
      continue;
    auto phase = children.phase(i);
    if (has_actor(phase) || phase == child_phase::restarting)
      return false;
  }
  return true;
}

} // namespace

exit_plan decide_retry(const restart_intensity& intensity, restart_intensity::time_point now,
                       const std::string& supervisor) {
  if (intensity.allows(now))
    return restart_child{};
  return shut_down{make_error(errc::reached_max_restart_intensity, supervisor), true};
}

exit_plan decide_exit(const child_table& children, std::size_t exited, const caf::error& reason,
                      kintsugi::auto_shutdown rule, const restart_intensity& intensity,
                      restart_intensity::time_point now, const std::string& supervisor) {
  auto& spec = children.spec(exited);
  if (restarts(spec.restart, reason))
    return decide_retry(intensity, now, supervisor);
  if (ends_supervisor(children, exited, rule))
    return shut_down{caf::exit_reason::user_shutdown};
  return leave_ended{spec.restart == restart_type::temporary};
}

caf::expected<restart_steps> plan_restart(const child_table& children, std::size_t failed,
                                          const restart_strategy& strategy,
                                          const std::vector<std::size_t>& owed) {
  restart_plan plan;
  try {
    plan = strategy.plan(children, failed);
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::runtime_error,
                           std::string{"restart strategy failed: "} + e.what());
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error, "restart strategy failed");
  }
  auto n = children.size();
  restart_steps steps;
  std::vector<bool> picked(n, false);
  for (auto i : plan.terminate)
    if (i < n && !picked[i]) {
      picked[i] = true;
      steps.stop.push_back(i);
    }
  std::fill(picked.begin(), picked.end(), false);
  auto start = [&](std::size_t i) {
    if (i < n && !picked[i] && children.spec(i).restart != restart_type::temporary) {
      picked[i] = true;
      steps.start.push_back(i);
    }
  };
  for (auto i : plan.restart)
    start(i);
  auto sorted = owed;
  sorted.push_back(failed);
  std::sort(sorted.begin(), sorted.end());
  for (auto i : sorted)
    start(i);
  return steps;
}

} // namespace kintsugi::detail
