#include "kintsugi/ets/detail/durable_catalog.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace kintsugi::ets {

namespace {

struct catalog {
  std::mutex mtx;
  std::unordered_map<const void*, std::function<durable_info()>> entries;
};

catalog& the_catalog() {
  static catalog instance;
  return instance;
}

} // namespace

namespace detail {

void catalog_durable(const void* key, std::function<durable_info()> describe) {
  auto& c = the_catalog();
  std::lock_guard<std::mutex> guard{c.mtx};
  c.entries.insert_or_assign(key, std::move(describe));
}

void uncatalog_durable(const void* key) {
  auto& c = the_catalog();
  std::lock_guard<std::mutex> guard{c.mtx};
  c.entries.erase(key);
}

} // namespace detail

std::vector<durable_info> all_durable_tables() {
  auto& c = the_catalog();
  std::vector<durable_info> result;
  {
    // Under the lock: a table that is closing waits in uncatalog_durable
    // until its description is done.
    std::lock_guard<std::mutex> guard{c.mtx};
    for (auto& [key, describe] : c.entries)
      result.push_back(describe());
  }
  std::sort(result.begin(), result.end(),
            [](const durable_info& x, const durable_info& y) { return x.path < y.path; });
  return result;
}

} // namespace kintsugi::ets
