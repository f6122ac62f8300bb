#pragma once

// What every kind of supervisor does to one child: run its start function,
// register its name, and stop it by its shutdown policy. Internal.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/actor_clock.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/sec.hpp>

#include "kintsugi/child_spec.hpp"
#include "kintsugi/report.hpp"

namespace kintsugi::detail {

/// The timer message of `stop_deadlines`; a supervisor hands it to `expire`.
using shutdown_timeout_atom = caf::atom_constant<caf::atom("k_stop_to")>;

/// A supervisor's own message to retry a failed restart later, so that calls
/// are answered between attempts (OTP's try_again_restart).
using try_again_atom = caf::atom_constant<caf::atom("k_again")>;

/// Runs the user's start function; an exception becomes its failure reason.
start_result call_start(const child_spec& spec, start_context& ctx);

/// Registers `actor` under the spec's name, if it has one. Done before its
/// init completes, as OTP registers a gen_server before init/1 runs, so that
/// messages sent by name wait in its mailbox.
caf::error register_name(const child_spec& spec, const caf::actor& actor);

/// Sends an exit signal that jumps `dest`'s mailbox, as Erlang's do.
void send_exit_now(caf::event_based_actor& self, const caf::actor& dest, caf::error reason);

/// Sends a child still alive the end of its supervisor that was killed or
/// crashed: the supervisor's own reason, `kill` staying `kill` (CAF cannot
/// trap it, so neither may the child), and `user_shutdown` for a normal end.
/// For a functor attached to the supervisor, so it sends anonymously.
void pass_end_on(const caf::actor_addr& supervisor, const caf::error& reason,
                 const caf::actor& child);

/// Stops children by their shutdown policies. For timeouts it keeps one timer,
/// set for the earliest deadline, rather than one per child: a timer per stop
/// would wake CAF's timer thread once per child.
class child_stopper {
public:
  /// Tells `child` to stop by `policy`: a kill for brutal_kill, otherwise a
  /// shutdown exit, and for a timeout a kill when it has not ended in time.
  void stop(caf::event_based_actor& self, const caf::actor& child, const shutdown_policy& policy);

  /// Forgets the deadline of a child that has ended.
  void ended(caf::actor_id child);

  /// Handles `(shutdown_timeout_atom, target)`: kills the children whose
  /// deadline has passed.
  void expire(caf::event_based_actor& self, int64_t target);

private:
  using deadline_map = std::multimap<caf::actor_clock::time_point, caf::actor_addr>;

  void arm(caf::event_based_actor& self);

  deadline_map deadlines_;
  std::unordered_map<caf::actor_id, deadline_map::iterator> by_child_;
  bool armed_ = false;
  caf::actor_clock::time_point armed_for_;
};

} // namespace kintsugi::detail
