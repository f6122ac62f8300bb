#pragma once

/// @file
/// Supervisor reports, like OTP's progress and supervisor reports: one event
/// each time a child starts, ends, is restarted or fails to start, and when a
/// supervisor gives up. They go to a pluggable sink; the default writes one
/// readable line each to stderr.

#include <cstdint>
#include <functional>
#include <string>

#include <caf/actor_addr.hpp>
#include <caf/error.hpp>

namespace kintsugi {

/// What happened.
enum class report_kind : uint8_t {
  /// A child started (OTP's progress report).
  child_started,
  /// A child ended on its own: `reason` is its exit reason.
  child_exited,
  /// A child was started again after it ended.
  child_restarted,
  /// A child's start failed: `reason` is why.
  start_failed,
  /// More restarts than the intensity allows: the supervisor shuts down.
  intensity_reached,
  /// The supervisor is shutting down its children: `reason` is its own.
  supervisor_stopping,
};

const char* to_string(report_kind x) noexcept;

/// One report.
struct report {
  report_kind kind;
  /// The supervisor's name (its flags' name, or its id in its parent).
  std::string supervisor;
  /// The child's id; empty for reports about the supervisor itself.
  std::string child_id;
  /// The child's actor, when there is one.
  caf::actor_addr child;
  caf::error reason;
};

/// One readable line, e.g.
/// `[kintsugi] root: child "db" exited: error(...)`.
std::string to_string(const report& x);

/// Receives reports. It is called from the supervisors' own threads, possibly
/// several at once: it must be thread-safe and must not block.
using report_sink = std::function<void(const report&)>;

/// The default sink: `to_string(report)` on stderr, one line each.
report_sink stderr_report_sink();

/// A sink that drops everything (benchmarks use it, as OTP's canonical runs
/// silence the logger).
report_sink null_report_sink();

} // namespace kintsugi
