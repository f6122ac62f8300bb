#pragma once

// What a supervisor does when one of its children exits, as plain values.
// Both supervisors decide here and only carry the plans out, so OTP's rules
// (do_restart/3, add_restart/1, auto_shutdown, restart/2) are one piece of
// code, tested without actors (test/runtime/exit_plan_test.cpp). Internal.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <caf/error.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/restart_intensity.hpp"
#include "kintsugi/strategies/restart_strategy.hpp"
#include "kintsugi/supervisor_flags.hpp"

namespace kintsugi::detail {

/// Where a child is in its life, as its supervisor sees it.
enum class child_phase : uint8_t {
  /// The spec is kept, no actor runs (OTP's `undefined`).
  undefined,
  /// Its actor is spawned; its init is not acknowledged yet.
  starting,
  running,
  /// Told to stop; its down message has not arrived yet.
  stopping,
  /// It ended and a restart of it is planned or being retried.
  restarting,
  /// Its spec is forgotten; only a job in progress still refers to it.
  deleted,
};

/// Whether a child in `phase` has a live actor.
constexpr bool has_actor(child_phase phase) noexcept {
  return phase == child_phase::starting || phase == child_phase::running
         || phase == child_phase::stopping;
}

/// A supervisor's children in start order, as the decisions read them.
class child_table : public child_list {
public:
  virtual const child_spec& spec(std::size_t index) const = 0;
  virtual child_phase phase(std::size_t index) const = 0;

  child_view operator[](std::size_t index) const final;
};

/// The child ends for good: its spec is kept (a transient child that ended
/// normally) or forgotten (a temporary child).
struct leave_ended {
  bool forget;
};

/// The child is restarted: one restart is recorded against the intensity,
/// and a restart job runs `plan_restart` for it.
struct restart_child {};

/// The supervisor stops all its children and exits with `reason`.
struct shut_down {
  caf::error reason;
  /// The cause is the restart intensity (a report says so first).
  bool intensity_reached = false;
};

using exit_plan = std::variant<leave_ended, restart_child, shut_down>;

/// What the supervisor named `supervisor` does after child `exited` ended
/// with `reason`, at `now`: the restart type decides (a permanent child is
/// always restarted, a transient one after an abnormal exit, a temporary one
/// never), then the intensity (a restart beyond it shuts the supervisor
/// down), and for a child that is not restarted, `auto_shutdown`.
exit_plan decide_exit(const child_table& children, std::size_t exited, const caf::error& reason,
                      kintsugi::auto_shutdown rule, const restart_intensity& intensity,
                      restart_intensity::time_point now, const std::string& supervisor);

/// The intensity decision alone, for a failed restart attempt (OTP's
/// try_again_restart counts each attempt as a restart): `restart_child`, or
/// `shut_down` when the intensity is reached.
exit_plan decide_retry(const restart_intensity& intensity, restart_intensity::time_point now,
                       const std::string& supervisor);

/// The children a restart stops and starts, as indices into the table.
struct restart_steps {
  /// Stopped one after the other, in this order.
  std::vector<std::size_t> stop;
  /// Started in this order, each up before the next.
  std::vector<std::size_t> start;
};

/// Asks `strategy` what to do for child `failed`, and makes the answer safe
/// to carry out: indices out of range and repeats are dropped, a temporary
/// child is never started again (OTP drops one that a strategy terminated),
/// and `failed` and `owed` (children that an earlier failed attempt stopped
/// and did not start again) are started too, after the plan's own, in start
/// order, so that no child is left behind whatever the strategy returns. A
/// strategy that throws gives `sec::runtime_error` with its text.
caf::expected<restart_steps> plan_restart(const child_table& children, std::size_t failed,
                                          const restart_strategy& strategy,
                                          const std::vector<std::size_t>& owed);

/// Whether a child with `restart` is restarted after it ended with `reason`.
bool restarts(restart_type restart, const caf::error& reason) noexcept;

} // namespace kintsugi::detail
