#pragma once

/// @file
/// Test helpers for supervised code (Boost.Test), in target `kintsugi::testing`.
///
/// Tests of supervised code go wrong in two ways: they wait for time instead
/// of events, and actors left over from one test break the next. The fixture
/// gives each test its own actor system on CAF's deterministic test scheduler
/// (jobs run when the test says `run()`, timers on a virtual clock that
/// `sched.advance_time` moves), captures supervisor reports, and fails the
/// test when an actor outlives it.
///
/// ```cpp
/// #include <kintsugi/testing.hpp>
///
/// BOOST_FIXTURE_TEST_CASE(game_comes_back_after_a_crash, kintsugi::testing::fixture) {
///   auto names = std::make_shared<kintsugi::registry>();
///   auto spec = kintsugi::worker_spec("game", game_actor);
///   spec.name = kintsugi::registered_name{names, "Kusama"};
///   auto sup = spawn_sup(flags(), {spec});          // flags() captures reports
///   auto first = *names->whereis("Kusama");
///   crash(first);                                   // an exit signal, then run()
///   auto second = await_name(*names, "Kusama", first);
///   BOOST_TEST(*call<int>(second, score_atom::value) == 0);
///   BOOST_TEST((first_report(kintsugi::report_kind::child_exited).child == first.address()));
///   self->send_exit(sup, caf::exit_reason::user_shutdown);   // stop what you started
/// }
/// ```

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <type_traits>
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

namespace kintsugi::testing {

/// Whether a call succeeded (caf::expected has no has_value in CAF 0.17).
template <class T>
bool succeeded(const caf::expected<T>& x) {
  return static_cast<bool>(x);
}

/// A Boost.Test fixture: one actor system per test on CAF's test scheduler.
class fixture {
public:
  fixture();
  ~fixture();

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  caf::scoped_actor self;

  /// Runs every pending job.
  void run() {
    sched.run();
  }

  /// Flags (named "sup") whose reports land in `reports`.
  supervisor_flags flags(restart_strategy_ptr strategy = one_for_one(), int intensity = 3,
                         std::chrono::milliseconds period = std::chrono::seconds{5});

  /// Dynamic supervisor flags (named "dyn") whose reports land in `reports`.
  dynamic_supervisor_flags
  dynamic_flags(int intensity = 3, std::chrono::milliseconds period = std::chrono::seconds{5});

  /// A report sink that appends to `reports`.
  report_sink capture_reports();

  /// Spawns a supervisor and runs until it is idle.
  caf::actor spawn_sup(supervisor_flags flags, std::vector<child_spec> children);

  /// Spawns a dynamic supervisor and runs until it is idle.
  caf::actor spawn_dynamic_sup(dynamic_supervisor_flags flags);

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

  /// Crashes `who` with `reason` (an exit signal, as Erlang's `exit(Pid,
  /// Reason)`) and runs until everything settled. A normal reason cannot
  /// travel as an exit signal: an actor ends normally only by quitting.
  void crash(const caf::actor& who, caf::error reason = caf::sec::runtime_error);

  /// Runs until child `id` of `sup` runs as an actor other than `old`, and
  /// returns it; fails the test if it does not come back.
  caf::actor await_restart(const caf::actor& sup, const std::string& id, const caf::actor& old);

  /// Runs until `name` is registered to an actor other than `old`, and
  /// returns it; fails the test if nobody takes the name again.
  caf::actor await_name(const registry& names, const std::string& name, const caf::actor& old);

  /// How many actors of this test are still running (the fixture's own
  /// scoped actor not counted); the fixture fails the test if any are left.
  std::size_t running_actors();

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

} // namespace kintsugi::testing
