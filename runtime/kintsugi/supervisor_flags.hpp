#pragma once

/// @file
/// Supervisor flags (OTP's `sup_flags()` map).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/report.hpp"
#include "kintsugi/strategies/one_for_one.hpp"

namespace kintsugi {

/// When the end of significant children stops the supervisor (OTP 24+).
enum class auto_shutdown : uint8_t {
  /// Never; significant children are not allowed.
  never,
  /// When any significant child ends and is not restarted.
  any_significant,
  /// When every significant child has ended and none is restarted.
  all_significant,
};

const char* to_string(auto_shutdown x) noexcept;

/// How a supervisor behaves.
struct supervisor_flags {
  /// Which children a failure restarts; `one_for_one()` by default.
  restart_strategy_ptr strategy = one_for_one();
  /// More than `intensity` restarts within `period` make the supervisor stop
  /// all its children and exit with `errc::reached_max_restart_intensity`.
  int intensity = 3;
  std::chrono::milliseconds period = std::chrono::seconds{5};
  kintsugi::auto_shutdown auto_shutdown = kintsugi::auto_shutdown::never;
  /// The name used in reports; empty means its id in its parent supervisor,
  /// or "supervisor" for a root.
  std::string name;
  /// Where reports go; empty means the parent supervisor's sink, or
  /// `stderr_report_sink()` for a root.
  report_sink reports;
};

/// Checks the flags; the error (`errc::invalid_spec`) names the problem.
caf::error validate(const supervisor_flags& flags);

/// Checks the flags, every spec, that ids are unique, and that significant
/// children fit `auto_shutdown`.
caf::error validate(const supervisor_flags& flags, const std::vector<child_spec>& children);

/// Checks that `spec` may be added under `flags` (significance rules).
caf::error validate_child(const supervisor_flags& flags, const child_spec& spec);

} // namespace kintsugi
