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
/// `self->send_exit(sup, caf::exit_reason::user_shutdown)`, or `stop()` below.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include "kintsugi/call.hpp"
#include "kintsugi/child_spec.hpp"
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

// -- the management protocol ----------------------------------------------------
// Requests an actor sends to a supervisor. Failures come back as errors of the
// `kintsugi` category; a supervisor that is stopping answers
// `errc::supervisor_stopping`.

/// `(ready_atom)` -> `caf::ok_atom` once every child is up (see
/// `spawn_supervisor`); a dynamic supervisor answers at once.
using ready_atom = caf::atom_constant<caf::atom("k_ready")>;
/// `(which_children_atom)` -> `std::vector<child_info>`
using which_children_atom = caf::atom_constant<caf::atom("k_which")>;
/// `(count_children_atom)` -> `child_counts`
using count_children_atom = caf::atom_constant<caf::atom("k_count")>;
/// `(start_child_atom, child_spec)` -> `caf::actor` (invalid for `ignore`).
/// Errors: invalid_spec, already_present, already_started (context: actor),
/// start_failed.
using start_child_atom = caf::atom_constant<caf::atom("k_start")>;
/// `(terminate_child_atom, std::string id)` -> `caf::unit_t`. Stops the child
/// by its shutdown policy and keeps its spec (a temporary child's spec goes).
/// Errors: not_found.
using terminate_child_atom = caf::atom_constant<caf::atom("k_term")>;
/// `(restart_child_atom, std::string id)` -> `caf::actor`. Starts a child
/// whose spec is kept but which does not run. Errors: not_found, running,
/// restarting, start_failed.
using restart_child_atom = caf::atom_constant<caf::atom("k_restart")>;
/// `(delete_child_atom, std::string id)` -> `caf::unit_t`. Forgets the spec
/// of a child that does not run. Errors: not_found, running, restarting.
using delete_child_atom = caf::atom_constant<caf::atom("k_delete")>;
/// `(get_childspec_atom, std::string id)` -> `child_spec`. Errors: not_found.
using get_childspec_atom = caf::atom_constant<caf::atom("k_getspec")>;

/// What `which_children` says of one child.
struct child_info {
  enum class state : uint8_t {
    /// `actor` is the live child.
    running,
    /// The supervisor is (re)starting the child.
    restarting,
    /// The spec is kept but no actor runs (OTP's `undefined`).
    undefined,
  };
  std::string id;
  caf::actor actor;
  state status = state::undefined;
  child_type type = child_type::worker;
};

const char* to_string(child_info::state x) noexcept;

/// What `count_children` says (OTP's proplist).
struct child_counts {
  std::size_t specs = 0;
  std::size_t active = 0;
  std::size_t supervisors = 0;
  std::size_t workers = 0;
};

// -- blocking helpers -----------------------------------------------------------
// For code outside actors (main(), tests). Each sends one request and waits at
// most `timeout`; a supervisor that does not answer in time gives
// `errc::timeout`, one that is gone gives CAF's `sec::request_receiver_down`.

caf::expected<std::vector<child_info>>
which_children(const caf::actor& sup, call_timeout timeout = default_call_timeout);

caf::expected<child_counts>
count_children(const caf::actor& sup, call_timeout timeout = default_call_timeout);

caf::expected<caf::actor> start_child(const caf::actor& sup, child_spec spec,
                                      call_timeout timeout = default_call_timeout);

caf::error terminate_child(const caf::actor& sup, const std::string& id,
                           call_timeout timeout = default_call_timeout);

caf::expected<caf::actor> restart_child(const caf::actor& sup, const std::string& id,
                                        call_timeout timeout = default_call_timeout);

caf::error delete_child(const caf::actor& sup, const std::string& id,
                        call_timeout timeout = default_call_timeout);

caf::expected<child_spec> get_childspec(const caf::actor& sup, const std::string& id,
                                        call_timeout timeout = default_call_timeout);

/// Stops `sup` in order with `reason` and waits until it has ended, with all
/// its children. Returns `errc::timeout` if it has not ended in time, and
/// `sec::request_receiver_down` if it had ended before (OTP's noproc).
caf::error stop(const caf::actor& sup, const caf::error& reason,
                call_timeout timeout = default_call_timeout);

// -- inspection (the protocol's values are local-only) ---------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, child_info& x) {
  return f(caf::meta::type_name("kintsugi::child_info"), x.id, x.actor, x.status, x.type);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, child_counts& x) {
  return f(caf::meta::type_name("kintsugi::child_counts"), x.specs, x.active,
           x.supervisors, x.workers);
}

} // namespace kintsugi

// Specs carry functions, so they can only travel between local actors.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kintsugi::child_spec)
