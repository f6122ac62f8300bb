#pragma once

/// @file
/// The supervisor: starts its children in order, watches them, restarts them
/// by its strategy, gives up when its restart intensity is exceeded, and stops
/// them in reverse order. OTP's `supervisor` behaviour on CAF.
///
/// ```cpp
/// kintsugi::supervisor_flags flags;
/// flags.strategy = kintsugi::one_for_all();
/// auto root = kintsugi::start_supervisor(sys, flags, {
///   kintsugi::worker_spec("db", db_actor),
///   kintsugi::supervisor_spec("games", games_flags, {}),
/// });
/// if (!root) { std::cerr << kintsugi::render(root.error()); return 1; }
/// ```
///
/// Guarantees (OTP's): the supervisor learns of every child's exit with its
/// reason (it monitors them); no child's exit can take it down (children are
/// not linked to it, so even a third party's `kill` of a child stays with the
/// child); children never outlive it: an orderly stop shuts them down in
/// reverse start order, each by its shutdown policy, and if the supervisor is
/// killed or crashes, a functor attached to it sends its exit reason to every
/// child that is still alive (`kill` is passed on as `kill`).
///
/// Stop a supervisor in order with any trappable exit reason, e.g.
/// `self->send_exit(sup, caf::exit_reason::user_shutdown)`, or `kintsugi::stop`.
/// Inspect and change its children with the management protocol
/// (management.hpp).

#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/management.hpp"
#include "kintsugi/supervisor_flags.hpp"

namespace kintsugi {

// -- starting -----------------------------------------------------------------

/// Spawns a supervisor and returns at once; it starts its children in the
/// background. A `(ready_atom)` request to it is answered with `ok_atom` once
/// every child is up, or fails when it could not start them; the supervisor
/// then exits with `errc::start_failed` (context: child id and reason).
/// Invalid flags or specs make it exit at once with `errc::invalid_spec`.
/// Monitor it as well: a tree that ends itself at once (auto_shutdown) may be
/// gone before the request arrives.
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_flags flags,
                            std::vector<child_spec> children);

/// Spawns a supervisor and blocks until all its children are up. Returns the
/// supervisor, or why it failed (`errc::invalid_spec`, `errc::start_failed`);
/// after a failure, the children already started have been shut down in
/// reverse order.
caf::expected<caf::actor> start_supervisor(caf::actor_system& sys, supervisor_flags flags,
                                           std::vector<child_spec> children);

/// A child spec for a supervisor, so that supervisors nest into trees: type
/// supervisor, shutdown infinity, and a start that completes only when the
/// child supervisor has started all its own children.
child_spec supervisor_spec(std::string id, supervisor_flags flags,
                           std::vector<child_spec> children);

} // namespace kintsugi
