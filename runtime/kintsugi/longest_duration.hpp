#pragma once

/// @file
/// The longest finite duration Kintsugi takes for a timeout or a period.

#include <chrono>

namespace kintsugi {

/// About a century. Timers and restart periods add durations to the clock's
/// time points (nanoseconds in 64 bits, about 292 years), so a longer one
/// would overflow; specs, flags and calls refuse it with an error that says
/// so, rather than misbehave. Where a wait may be endless, ask for that
/// instead (`shutdown_policy::infinity()`).
constexpr std::chrono::milliseconds longest_duration = std::chrono::hours{24 * 365 * 100};

} // namespace kintsugi
