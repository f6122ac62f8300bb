#pragma once

/// @file
/// OTP's restart intensity: a supervisor that restarts more than `intensity`
/// times within `period` gives up.

#include <chrono>
#include <cstddef>
#include <deque>

#include <caf/error.hpp>

namespace kintsugi {

/// Counts restarts in a sliding window. Time comes from the caller (the actor
/// system's clock), so tests drive it with CAF's virtual test clock.
class restart_intensity {
public:
  using clock_type = std::chrono::steady_clock;
  using time_point = clock_type::time_point;

  /// `intensity` restarts are allowed within any `period`; 0 allows none.
  restart_intensity(int intensity, std::chrono::milliseconds period);

  /// Whether one more restart at `now` stays within the intensity (OTP's
  /// add_restart/1 without its effect).
  bool allows(time_point now) const;

  /// Records a restart at `now`. Returns false when that makes more than
  /// `intensity` restarts within the period: the supervisor must give up.
  bool record(time_point now);

  /// Restarts still inside the window at the last `record`.
  std::size_t recent() const noexcept {
    return restarts_.size();
  }

  /// Restarts inside the window that ends at `now`.
  std::size_t within(time_point now) const;

  int intensity() const noexcept {
    return static_cast<int>(intensity_);
  }

  std::chrono::milliseconds period() const noexcept {
    return period_;
  }

private:
  std::size_t intensity_;
  std::chrono::milliseconds period_;
  // Only the last intensity + 1 times matter, so this never grows past that:
  // each restart costs O(1), unlike OTP's list of every restart in the period.
  std::deque<time_point> restarts_;
};

/// Checks an intensity and a period as supervisor flags give them: the error
/// (`errc::invalid_spec`) names the problem.
caf::error validate_restart_intensity(int intensity, std::chrono::milliseconds period);

} // namespace kintsugi
