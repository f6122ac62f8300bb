#pragma once

/// @file
/// The management protocol: the requests an actor sends to a supervisor
/// (static or dynamic) to inspect and change its children, what they answer,
/// and blocking helpers that send them from code outside actors. OTP's
/// `supervisor:which_children/1`, `start_child/2` and the rest.
///
/// ```cpp
/// std::string listing(const caf::actor& sup) {
///   auto infos = kintsugi::which_children(sup);
///   if (!infos)
///     return kintsugi::render(infos.error());
///   std::string out;
///   for (auto& x : *infos)
///     out += x.id + ": " + kintsugi::to_string(x.status) + "\n";
///   return out;
/// }
/// ```

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/meta/type_name.hpp>

#include "kintsugi/call.hpp"
#include "kintsugi/child_spec.hpp"

namespace kintsugi {

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

caf::expected<std::vector<child_info>> which_children(const caf::actor& sup,
                                                      call_timeout timeout = default_call_timeout);

caf::expected<child_counts> count_children(const caf::actor& sup,
                                           call_timeout timeout = default_call_timeout);

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
  return f(caf::meta::type_name("kintsugi::child_counts"), x.specs, x.active, x.supervisors,
           x.workers);
}

} // namespace kintsugi

// Specs carry functions, so they can only travel between local actors.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(kintsugi::child_spec)
