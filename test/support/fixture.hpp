#pragma once

// Helpers of Kintsugi's own test suite, on top of the public fixture in
// <kintsugi/testing.hpp>: test actors, specs, and a live-scheduler fixture.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kintsugi/testing.hpp"

namespace kintsugi::test {

using kintsugi::testing::succeeded;

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using throw_atom = caf::atom_constant<caf::atom("throw")>;

/// A worker: answers ping, quits with a given reason, or throws on request.
caf::behavior worker(caf::event_based_actor* self);

/// A worker that traps exits and ignores them: only a kill ends it.
caf::behavior stubborn_worker(caf::event_based_actor* self);

/// A worker that ends normally as soon as it is up.
caf::behavior one_shot(caf::event_based_actor* self);

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

/// The number given as `--NAME N` after `--` on the test program's command
/// line (the soak's and crash tests' length and seed), or `otherwise`.
uint64_t test_option(const std::string& name, uint64_t otherwise);

/// A spec for `worker` with the given id and restart type.
child_spec worker_child(std::string id, restart_type restart = restart_type::permanent);

/// The public fixture, plus what only Kintsugi's own suite needs.
struct fixture : kintsugi::testing::fixture {
  /// Makes a `worker` quit normally (a normal exit cannot be an exit signal).
  void end_normally(const caf::actor& who);
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
