#pragma once

/// @file
/// The dynamic supervisor: Elixir's `DynamicSupervisor`, the successor of
/// OTP's `simple_one_for_one`. It starts with no children and adds them at
/// run time (one game per player, one session per connection), each from a
/// full child spec or from its child template plus extra arguments.
///
/// ```cpp
/// caf::behavior game(caf::event_based_actor* self, std::string player);
/// kintsugi::dynamic_supervisor_flags flags;
/// flags.child_template = kintsugi::worker_spec("game", game);  // `player` per start
/// flags.max_children = 10'000;
/// auto games = kintsugi::start_dynamic_supervisor(sys, flags);
/// auto kusama = kintsugi::start_child(*games, caf::make_message("Kusama"));
/// ```
///
/// Semantics (OTP's where it has them):
/// - Children are identified by their actor, not by an id; the spec's id only
///   names them in reports and `which_children`.
/// - Each child is one_for_one: restarted by its restart type (a temporary
///   child vanishes when it ends, a transient one comes back only after an
///   abnormal exit) with the same spec and extra arguments. More restarts
///   than `intensity` within `period` make the supervisor stop every child
///   and exit with `errc::reached_max_restart_intensity`. A failed restart is
///   retried through the mailbox, each attempt counting as a restart.
/// - `start_child` completes when the child has finished its init, as for a
///   static supervisor; starts do not wait for one another, so many callers
///   start children at once.
/// - Stopping the supervisor (any trappable exit signal) stops all children
///   concurrently, not one after the other, each by its own shutdown policy,
///   then exits with the same reason. If it is killed or crashes, its live
///   children get its exit reason as with a static supervisor.
/// - It is a child like any other (`dynamic_supervisor_spec`), so a tree holds
///   it: application root -> dynamic supervisor -> many workers.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/message.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/report.hpp"
#include "kintsugi/supervisor.hpp"

namespace kintsugi {

/// How a dynamic supervisor behaves.
struct dynamic_supervisor_flags {
  /// More than `intensity` restarts within `period` make the supervisor stop
  /// all its children and exit with `errc::reached_max_restart_intensity`.
  int intensity = 3;
  std::chrono::milliseconds period = std::chrono::seconds{5};
  /// At most this many children, counting those being started or restarted:
  /// `start_child` beyond it fails with `errc::max_children`. Empty means no
  /// limit (OTP's `infinity`).
  std::optional<std::size_t> max_children;
  /// Put before the extra arguments of every start, from a template or a full
  /// spec (Elixir's `extra_arguments`).
  caf::message extra_arguments;
  /// The spec `start_child(sup, args)` starts (OTP's simple_one_for_one
  /// child spec); without one, only full specs can be started.
  std::optional<child_spec> child_template;
  /// The name used in reports; empty means its id in its parent supervisor,
  /// or "dynamic_supervisor" for a root.
  std::string name;
  /// Where reports go; empty means the parent supervisor's sink, or
  /// `stderr_report_sink()` for a root.
  report_sink reports;
};

/// Checks the flags and the template; the error (`errc::invalid_spec`) names
/// the problem.
caf::error validate(const dynamic_supervisor_flags& flags);

/// Spawns a dynamic supervisor. Invalid flags make it exit at once with
/// `errc::invalid_spec`.
caf::actor spawn_dynamic_supervisor(caf::actor_system& sys, dynamic_supervisor_flags flags);

/// Checks the flags, then spawns a dynamic supervisor.
caf::expected<caf::actor> start_dynamic_supervisor(caf::actor_system& sys,
                                                   dynamic_supervisor_flags flags);

/// A child spec for a dynamic supervisor: type supervisor, shutdown infinity.
child_spec dynamic_supervisor_spec(std::string id, dynamic_supervisor_flags flags);

// -- the management protocol ----------------------------------------------------
// The atoms of supervisor.hpp, with these arguments:
//
// `(start_child_atom, child_spec)` -> `caf::actor` (invalid for `ignore`): starts
//   a child from a full spec. Errors: invalid_spec, max_children, start_failed.
// `(start_child_atom, caf::message args)` -> `caf::actor`: starts a child from
//   the template with `args` as its extra arguments. Errors: not_supported
//   (no template), max_children, start_failed.
// `(terminate_child_atom, caf::actor)` -> `caf::unit_t`: stops the child by its
//   shutdown policy and forgets it, whatever its restart type. Errors: not_found.
// `(which_children_atom)`, `(count_children_atom)`: as for any supervisor
//   (`specs` counts the children; a child whose first start is still in
//   progress is not listed yet).
// `(get_childspec_atom, caf::actor)` -> `child_spec`. Errors: not_found.
// By id (`terminate_child_atom`, `restart_child_atom`, `delete_child_atom`,
// `get_childspec_atom` with a string) -> `errc::not_supported`.
// A supervisor that is stopping answers `errc::supervisor_stopping`.

// -- blocking helpers (see supervisor.hpp) ---------------------------------------

/// Starts a child of a dynamic supervisor from its template with `args` as
/// extra arguments, e.g. `start_child(sup, caf::make_message("Kusama"))`.
caf::expected<caf::actor> start_child(const caf::actor& sup, caf::message args,
                                      call_timeout timeout = default_call_timeout);

/// Stops a child of a dynamic supervisor and forgets it.
caf::error terminate_child(const caf::actor& sup, const caf::actor& child,
                           call_timeout timeout = default_call_timeout);

} // namespace kintsugi
