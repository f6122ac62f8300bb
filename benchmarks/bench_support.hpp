#pragma once

// What every workload of kintsugi-bench shares: sizes from the environment,
// the peer's percentile rule, and its JSON line format.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>
#include <fmt/core.h>

namespace kintsugi::bench {

using clock_type = std::chrono::steady_clock;

inline std::size_t env_or(const char* name, std::size_t fallback) {
  if (auto value = std::getenv(name))
    return static_cast<std::size_t>(std::strtoull(value, nullptr, 10));
  return fallback;
}

// Nearest rank on sorted samples, index max(1, ceil(p*n)), 1-based (the peer's rule).
inline double percentile(const std::vector<double>& sorted, double p) {
  auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(p * sorted.size())));
  return sorted[rank - 1];
}

inline double ns_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::nano>(clock_type::now() - t0).count();
}

/// One JSON object on stdout, with the peer's field names.
struct json_line {
  std::string body;
  json_line(const std::string& workload, caf::actor_system& sys,
            const std::string& peer = "kintsugi") {
    add_str("workload", workload);
    add_str("peer", peer);
    schedulers = static_cast<int>(sys.scheduler().num_workers());
  }
  json_line& add_str(const char* key, const std::string& value) {
    body += fmt::format("{}\"{}\":\"{}\"", body.empty() ? "" : ",", key, value);
    return *this;
  }
  json_line& add(const char* key, double value) {
    body += fmt::format(",\"{}\":{:.3f}", key, value);
    return *this;
  }
  json_line& add(const char* key, std::size_t value) {
    body += fmt::format(",\"{}\":{}", key, value);
    return *this;
  }
  void print() {
    std::printf("{%s,\"schedulers\":%d}\n", body.c_str(), schedulers);
    std::fflush(stdout);
  }
  int schedulers;
};

inline void progress(const std::string& what) {
  std::fprintf(stderr, "[kintsugi-bench] %s\n", what.c_str());
}

} // namespace kintsugi::bench
