#pragma once

// The fixture every Kintsugi test uses: its own actor system on CAF's
// deterministic test scheduler (virtual time, jobs run on demand), a hidden
// scoped actor to talk from, captured supervisor reports, and a check at the
// end that no actor outlived the test.

#include <chrono>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "kintsugi/kintsugi.hpp"

namespace caf {

inline std::ostream& boost_test_print_type(std::ostream& os, const actor& x) {
  return os << to_string(x);
}

inline std::ostream& boost_test_print_type(std::ostream& os, const error& x) {
  return os << kintsugi::render(x);
}

inline std::ostream& boost_test_print_type(std::ostream& os, sec x) {
  return os << to_string(x);
}

inline std::ostream& boost_test_print_type(std::ostream& os, exit_reason x) {
  return os << to_string(x);
}

} // namespace caf

namespace kintsugi {

inline std::ostream& boost_test_print_type(std::ostream& os, child_info::state x) {
  return os << to_string(x);
}

inline std::ostream& boost_test_print_type(std::ostream& os, errc x) {
  return os << to_string(x);
}

inline std::ostream& boost_test_print_type(std::ostream& os, restart_type x) {
  return os << to_string(x);
}

inline std::ostream& boost_test_print_type(std::ostream& os, child_type x) {
  return os << to_string(x);
}

} // namespace kintsugi

namespace kintsugi::test {

/// Whether a call succeeded.
template <class T>
bool succeeded(const caf::expected<T>& x) {
  return static_cast<bool>(x);
}

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using throw_atom = caf::atom_constant<caf::atom("throw")>;

/// A worker: answers ping, quits with a given reason, or throws on request.
caf::behavior worker(caf::event_based_actor* self);

/// A worker that traps exits and ignores them: only a kill ends it.
caf::behavior stubborn_worker(caf::event_based_actor* self);

/// A worker whose initialisation throws.
caf::behavior failing_worker(caf::event_based_actor* self);

/// A start function that fails with `reason` without spawning anything.
start_fn failing_start(caf::error reason);

/// A start function that returns OTP's ignore.
start_fn ignoring_start();

/// A spec whose start spawns `fun` and appends to `log` when that actor ends:
/// its id, or "id:reason" when `with_reason` is set.
child_spec logged_child(std::string id, std::shared_ptr<std::vector<std::string>> log,
                        caf::behavior (*fun)(caf::event_based_actor*) = worker,
                        bool with_reason = false);

/// A spec for `worker` with the given id and restart type.
child_spec worker_child(std::string id, restart_type restart = restart_type::permanent);

class fixture {
public:
  fixture();
  ~fixture();

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;

  /// Runs every pending job.
  void run() { sched.run(); }

  /// Flags whose reports land in `reports`.
  supervisor_flags flags(restart_strategy_ptr strategy = one_for_one(), int intensity = 3,
                         std::chrono::milliseconds period = std::chrono::seconds{5});

  /// Spawns a supervisor and runs until it is idle.
  caf::actor spawn_sup(supervisor_flags flags, std::vector<child_spec> children);

  /// Sends a request from `self`, runs the scheduler and returns the reply;
  /// fails the test if no reply came (never blocks).
  template <class T, class... Ts>
  caf::expected<T> call(const caf::actor& dest, Ts&&... xs) {
    auto handle = self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    run();
    caf::expected<T> result{caf::error{}};
    bool answered = false;
    auto on_error = [&](caf::error& err) {
      answered = true;
      result = std::move(err);
    };
    if constexpr (std::is_same_v<T, caf::unit_t>)
      handle.receive(
        [&] {
          answered = true;
          result = caf::unit;
        },
        on_error);
    else
      handle.receive(
        [&](T& x) {
          answered = true;
          result = std::move(x);
        },
        on_error);
    BOOST_REQUIRE_MESSAGE(answered, "no reply");
    return result;
  }

  std::vector<child_info> children(const caf::actor& sup);
  /// The live actor of child `id`, or an invalid handle.
  caf::actor child(const caf::actor& sup, const std::string& id);
  /// The ids of `sup`'s children that run, in order.
  std::vector<std::string> running_ids(const caf::actor& sup);

  /// Makes `who` quit with `reason` (a normal exit when `reason` is empty).
  void crash(const caf::actor& who, caf::error reason = caf::sec::runtime_error);

  /// Whether `who` has terminated.
  static bool is_dead(const caf::actor& who);

  /// The first captured report of `kind`; fails the test if there is none.
  report first_report(report_kind kind);

  /// Captured reports as "kind:child" strings, in order; cleared on read.
  std::vector<std::string> take_reports();
  std::vector<report> reports;

private:
  std::mutex reports_mtx_;
  std::size_t baseline_;
};

/// A fixture with an actor system on Kintsugi's recommended (real,
/// multi-threaded) scheduler, for the blocking helpers and the application
/// root. Each test stops what it starts; the fixture waits for every actor.
struct live_fixture {
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg);

  live_fixture();
  ~live_fixture();

  caf::actor_system_config cfg;
  caf::actor_system sys;
  /// Flags that drop reports.
  supervisor_flags flags;
};

} // namespace kintsugi::test
