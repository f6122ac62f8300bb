#pragma once

/// @file
/// Restarts after a growing delay (Akka's BackoffSupervisor; OTP and Elixir
/// restart at once). A child whose spec has a `restart_backoff` is restarted
/// `min` after it exits, then `min * multiplier`, and so on up to `max`, each
/// delay stretched by a random part of up to `jitter` of itself so that many
/// children do not come back in step. A child that stayed up for
/// `reset_after` starts from `min` again.
///
/// While it waits, the child is listed as `restarting`; the supervisor answers
/// management calls meanwhile, and `terminate_child` cancels the restart. The
/// restart intensity counts each restart when the child exits, as without a
/// delay, so a child that keeps failing still makes its supervisor give up.
/// Under a static supervisor the delay postpones the whole restart its
/// strategy plans: siblings a one_for_all or rest_for_one restart stops are
/// stopped when the delay has passed. A failed restart attempt waits for the
/// next delay too.
///
/// ```cpp
/// auto spec = kintsugi::worker_spec("feed", feed_actor);
/// spec.backoff = kintsugi::restart_backoff{std::chrono::milliseconds{100},
///                                          std::chrono::seconds{10}};
/// ```

#include <chrono>

namespace kintsugi {

struct restart_backoff {
  /// The delay before the first restart.
  std::chrono::milliseconds min{100};
  /// The longest delay before jitter.
  std::chrono::milliseconds max{10'000};
  /// Each restart in a row waits this many times longer; at least 1.
  double multiplier = 2.0;
  /// Up to this fraction of a delay is added at random, from 0 to 1.
  double jitter = 0.2;
  /// A child that ran this long before it exited restarts after `min` again.
  std::chrono::milliseconds reset_after{10'000};

  /// The delay before restart number `attempt` in a row (0 for the first),
  /// with `random` in [0, 1) choosing the jitter: `min * multiplier^attempt`,
  /// at most `max`, times `1 + jitter * random`.
  std::chrono::milliseconds delay(unsigned attempt, double random) const noexcept;
};

// `validate(const child_spec&)` checks a spec's backoff: min <= max, delays
// not negative nor longer than a century, multiplier >= 1, jitter in [0, 1].

} // namespace kintsugi
