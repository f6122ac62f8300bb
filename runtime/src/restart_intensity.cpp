#include "kintsugi/restart_intensity.hpp"

#include <algorithm>

#include <fmt/core.h>

#include "kintsugi/error.hpp"
#include "kintsugi/longest_duration.hpp"

namespace kintsugi {

restart_intensity::restart_intensity(int intensity, std::chrono::milliseconds period)
  : intensity_(intensity < 0 ? 0 : static_cast<std::size_t>(intensity)), period_(period) {
}

bool restart_intensity::allows(time_point now) const {
  return within(now) + 1 <= intensity_;
}

std::size_t restart_intensity::within(time_point now) const {
  // Restarts are recorded in time order: those still in the window are a tail.
  auto in_window = std::partition_point(restarts_.begin(), restarts_.end(),
                                        [&](time_point t) { return now - t >= period_; });
  return static_cast<std::size_t>(restarts_.end() - in_window);
}

bool restart_intensity::record(time_point now) {
  restarts_.push_back(now);
  // A restart counts while it lies less than one period before `now`.
  while (!restarts_.empty() && now - restarts_.front() >= period_)
    restarts_.pop_front();
  if (restarts_.size() > intensity_)
    return false;
  return true;
}

caf::error validate_restart_intensity(int intensity, std::chrono::milliseconds period) {
  if (intensity < 0)
    return make_error(errc::invalid_spec, fmt::format("negative restart intensity {}", intensity));
  if (period.count() <= 0)
    return make_error(errc::invalid_spec,
                      fmt::format("restart period must be positive, got {} ms", period.count()));
  if (period > longest_duration)
    return make_error(errc::invalid_spec, "restart period longer than a century");
  return {};
}

} // namespace kintsugi
