#pragma once

// What kintsugi/observer.hpp reads: per actor system, its live supervisors,
// the totals of their reports and the subscribers to them. A supervisor holds
// its system's record from its start and publishes every report to it.
// Internal.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/fwd.hpp>

#include "kintsugi/observer.hpp"
#include "kintsugi/report.hpp"

namespace kintsugi::detail {

class observed_system {
public:
  /// The record of `sys`, made on first use; it lives as long as `sys`.
  static std::shared_ptr<observed_system> of(caf::actor_system& sys);

  void add(const caf::actor_addr& supervisor);
  void remove(const caf::actor_addr& supervisor);
  std::vector<caf::actor_addr> supervisors() const;

  /// Counts `x` and hands it to each subscriber.
  void publish(const report& x);
  report_totals totals() const;

  uint64_t subscribe(report_sink sink);
  void unsubscribe(uint64_t token);

private:
  // Each sink with its subscription's token.
  using sink_list = std::vector<std::pair<uint64_t, report_sink>>;

  mutable std::mutex mtx_;
  // By actor id, which grows with each spawn: start order.
  std::map<caf::actor_id, caf::actor_addr> supervisors_;
  // report_totals' fields, counted without the lock.
  struct {
    std::atomic<uint64_t> starts{0}, restarts{0}, start_failures{0}, exits_normal{0},
      exits_shutdown{0}, exits_killed{0}, exits_error{0}, gave_up{0};
  } totals_;
  std::atomic<std::size_t> sink_count_{0};
  // Copied on change, so that publishing calls the sinks without the lock.
  std::shared_ptr<const sink_list> sinks_ = std::make_shared<sink_list>();
  uint64_t next_token_ = 0;
};

} // namespace kintsugi::detail
