#include "kintsugi/restart_backoff.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "backoff_tracker.hpp"
#include "kintsugi/longest_duration.hpp"

namespace kintsugi {

std::chrono::milliseconds restart_backoff::delay(unsigned attempt, double random) const noexcept {
  // In doubles, so that a long run of failures saturates at `max` instead of
  // overflowing.
  auto grown = static_cast<double>(min.count()) * std::pow(multiplier, attempt);
  auto capped = std::min(grown, static_cast<double>(max.count()));
  auto stretched = capped * (1.0 + jitter * std::clamp(random, 0.0, 1.0));
  return std::chrono::milliseconds{static_cast<std::chrono::milliseconds::rep>(stretched)};
}

namespace detail {

const char* backoff_problem(const restart_backoff& backoff) noexcept {
  if (backoff.min.count() < 0 || backoff.max.count() < 0 || backoff.reset_after.count() < 0)
    return "a backoff delay is negative";
  if (backoff.min > backoff.max)
    return "the backoff's min is longer than its max";
  // With the jitter a delay may double, and must still fit the clock.
  if (backoff.max > longest_duration || backoff.reset_after > longest_duration)
    return "a backoff delay is longer than a century";
  if (!std::isfinite(backoff.multiplier) || backoff.multiplier < 1.0)
    return "the backoff's multiplier must be a finite number of at least 1";
  if (!(backoff.jitter >= 0.0 && backoff.jitter <= 1.0))
    return "the backoff's jitter must be between 0 and 1";
  return nullptr;
}

std::chrono::milliseconds backoff_tracker::next(const restart_backoff& backoff, time_point now,
                                                std::minstd_rand& random) {
  if (up_ && now - up_since_ >= backoff.reset_after)
    attempt_ = 0;
  up_ = false;
  auto delay = backoff.delay(attempt_, std::uniform_real_distribution<double>{0.0, 1.0}(random));
  if (attempt_ < std::numeric_limits<unsigned>::max())
    ++attempt_;
  return delay;
}

} // namespace detail

} // namespace kintsugi
