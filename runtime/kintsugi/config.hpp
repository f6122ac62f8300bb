#pragma once

/// @file
/// Actor-system settings that Kintsugi recommends.

#include <caf/fwd.hpp>

namespace kintsugi {

/// Prepares `cfg` for supervision trees: registers Kintsugi's error
/// categories (`kintsugi`, `ets` when the term store is linked, and any given
/// to `add_error_category`), so `sys.render(err)` spells out their codes, and, unless the
/// configuration already names a scheduler policy, installs the scheduler
/// Kintsugi recommends: one worker per core sharing one job queue, where an
/// idle worker spins for up to 50 µs before it sleeps.
///
/// Why: a restart is a chain of short hops between two or three actors (the
/// child exits, the supervisor hears of it, starts a new child, waits for its
/// init). CAF's default work-stealing scheduler starts 4 workers even on 2
/// cores, puts an actor woken by another at the front of that worker's own
/// queue, and lets idle workers sleep 50 µs to 10 ms; CAF's work-sharing
/// scheduler puts every idle worker to sleep at once, so each hop pays a
/// futex wake-up. Spinning first, as BEAM's schedulers do, halves the restart
/// latency (see the README's benchmark table). The price is up to 50 µs of
/// busy CPU per worker each time it runs out of work.
caf::actor_system_config& configure(caf::actor_system_config& cfg);

} // namespace kintsugi
