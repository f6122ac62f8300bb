#pragma once

/// @file
/// Actor-system settings that Kintsugi recommends.

#include <caf/fwd.hpp>

namespace kintsugi {

/// Prepares `cfg` for supervision trees: registers the `kintsugi` error
/// category (so `sys.render(err)` spells out Kintsugi's codes) and picks the
/// scheduler Kintsugi recommends, unless the configuration already names one:
/// the `sharing` policy with one worker per core.
///
/// Why: a restart is a chain of short hops between two or three actors (the
/// child exits, the supervisor hears of it, starts a new child, waits for its
/// first message). CAF's default work-stealing scheduler starts 4 workers
/// even on 2 cores, puts an actor woken by another at the front of that
/// worker's own queue, and lets idle workers sleep 50 µs to 10 ms; two actors
/// that keep waking each other then starve the rest. With a shared queue the
/// same hop costs about 1 µs (see the README's benchmark table).
caf::actor_system_config& configure(caf::actor_system_config& cfg);

} // namespace kintsugi
