#pragma once

// A child's place on its backoff curve, kept by its supervisor. Internal.

#include <chrono>
#include <random>

#include "kintsugi/restart_backoff.hpp"
#include "kintsugi/restart_intensity.hpp"

namespace kintsugi::detail {

/// What is wrong with `backoff`, or null.
const char* backoff_problem(const restart_backoff& backoff) noexcept;

class backoff_tracker {
public:
  using time_point = restart_intensity::time_point;

  /// The child is up (its init acknowledged) at `now`.
  void up(time_point now) noexcept {
    up_since_ = now;
    up_ = true;
  }

  /// The delay before the next restart attempt, counted as one more in a row:
  /// after an exit (`now`) of a child that was up for `reset_after`, the
  /// curve starts again; a failed start continues it.
  std::chrono::milliseconds next(const restart_backoff& backoff, time_point now,
                                 std::minstd_rand& random);

private:
  time_point up_since_{};
  unsigned attempt_ = 0;
  bool up_ = false;
};

} // namespace kintsugi::detail
