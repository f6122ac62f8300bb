#pragma once

/// @file
/// What an observer sees of a running actor system (Erlang's observer, or
/// `supervisor:count_children/1` and `sys:get_status/1` for a whole node):
/// every live supervisor, a snapshot of each, the reports of all of them as
/// they happen, and totals of those reports since the system started. The
/// browser observer of `kintsugi::web` is built on this; so can any tool.
///
/// ```cpp
/// void print_tree(caf::actor_system& sys) {
///   for (auto& sup : kintsugi::supervisors(sys)) {
///     auto s = kintsugi::describe(sup);
///     if (!s)
///       continue;  // it ended meanwhile
///     std::cout << s->name << " (" << s->strategy << "): " << s->child_count << " children, "
///               << s->restarts_in_period << " of " << s->intensity << " restarts used\n";
///   }
/// }
/// ```

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>

#include "kintsugi/call.hpp"
#include "kintsugi/child_spec.hpp"
#include "kintsugi/management.hpp"
#include "kintsugi/report.hpp"

namespace kintsugi {

/// One child as `describe` shows it: what `which_children` says, and its
/// history.
struct child_snapshot {
  child_info info;
  restart_type restart = restart_type::permanent;
  /// How often it was started again after it ended.
  uint64_t restarts = 0;
  /// Its last exit reason; none before its first exit.
  caf::error last_exit;
};

/// A supervisor as `describe` shows it, with one page of its children.
struct supervisor_snapshot {
  std::string name;
  /// The strategy's name; "dynamic" for a dynamic supervisor.
  std::string strategy;
  /// At most `intensity` restarts within `period`, of which
  /// `restarts_in_period` are used now.
  int intensity = 0;
  std::chrono::milliseconds period{0};
  std::size_t restarts_in_period = 0;
  /// Messages waiting in the supervisor's own mailbox.
  std::size_t mailbox = 0;
  /// All its children (a static supervisor's in start order, a dynamic
  /// one's in start order with restarts still to be tried last), of which
  /// `children` holds those from index `first` on.
  std::size_t child_count = 0;
  std::size_t first = 0;
  std::vector<child_snapshot> children;
};

/// `(describe_atom, uint64_t first, uint64_t limit)` -> `supervisor_snapshot`.
/// Answered at once, also while a restart is in progress (which is then what
/// it shows); `errc::supervisor_stopping` once the supervisor stops.
using describe_atom = caf::atom_constant<caf::atom("k_describe")>;

/// Sends `describe_atom` and waits at most `timeout` (see management.hpp).
caf::expected<supervisor_snapshot>
describe(const caf::actor& sup, std::size_t first = 0,
         std::size_t limit = std::numeric_limits<std::size_t>::max(),
         call_timeout timeout = default_call_timeout);

/// Every supervisor of `sys` alive now (static and dynamic, at any depth), in
/// the order they started.
std::vector<caf::actor> supervisors(caf::actor_system& sys);

/// Counts of the reports of `sys`'s supervisors since the system started.
struct report_totals {
  uint64_t starts = 0;
  uint64_t restarts = 0;
  uint64_t start_failures = 0;
  /// Exits by the class of their reason: `normal` (none), `shutdown` (CAF's
  /// user_shutdown, or a stop), `killed` (CAF's kill), `error` (the rest).
  uint64_t exits_normal = 0;
  uint64_t exits_shutdown = 0;
  uint64_t exits_killed = 0;
  uint64_t exits_error = 0;
  /// Supervisors that gave up because the restart intensity was reached.
  uint64_t gave_up = 0;
};

report_totals totals(caf::actor_system& sys);

/// A subscription to the reports of every supervisor of a system; it ends
/// when this object is destroyed (or `cancel` is called). Reports go to the
/// sink from the supervisors' threads, after their own sinks: the sink must
/// be thread-safe and must not block.
class report_subscription {
public:
  report_subscription() = default;
  report_subscription(report_subscription&&) noexcept = default;
  report_subscription& operator=(report_subscription&&) noexcept;
  ~report_subscription();

  void cancel();

private:
  friend report_subscription subscribe_reports(caf::actor_system& sys, report_sink sink);

  struct state;

  explicit report_subscription(std::shared_ptr<state> x) : state_(std::move(x)) {
  }

  std::shared_ptr<state> state_;
};

report_subscription subscribe_reports(caf::actor_system& sys, report_sink sink);

// -- inspection (local-only values) ----------------------------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, child_snapshot& x) {
  return f(caf::meta::type_name("kintsugi::child_snapshot"), x.info, x.restart, x.restarts,
           x.last_exit);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, supervisor_snapshot& x) {
  return f(caf::meta::type_name("kintsugi::supervisor_snapshot"), x.name, x.strategy, x.intensity,
           x.period, x.restarts_in_period, x.mailbox, x.child_count, x.first, x.children);
}

} // namespace kintsugi
