#pragma once

/// @file
/// Actor-system settings that Kintsugi recommends.

#include <caf/fwd.hpp>

namespace kintsugi {

/// Prepares `cfg` for supervision trees: registers Kintsugi's error
/// categories (`kintsugi`, `ets` when the term store is linked, and any given
/// to `add_error_category`), so `sys.render(err)` spells out their codes, and, unless the
/// configuration already names a scheduler policy, installs Kintsugi's own
/// scheduler with `scheduler.max-threads` workers (one per core unless set).
///
/// Why: a restart is a chain of short hops between two or three actors (the
/// child exits, the supervisor hears of it, starts a new child, hears that
/// its init ran). Kintsugi's workers each keep the jobs they make runnable
/// and run them next, on the core that has the actors' state in its cache;
/// another worker takes such a job only after it has waited 20 µs. Idle
/// workers spin for up to 50 µs before they sleep, as BEAM's schedulers do.
/// With CAF's schedulers every hop moved to another core or paid a futex
/// wake-up, and W1's restart took 3-4 times as long on a 2-core machine
/// (the README's "Scheduler settings", docs/benchmarks.md). The price is up
/// to 50 µs of busy CPU per worker each time it runs out of work.
caf::actor_system_config& configure(caf::actor_system_config& cfg);

} // namespace kintsugi
