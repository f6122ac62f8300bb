#include "key_order.hpp"

#include <array>
#include <atomic>
#include <mutex>
#include <utility>

#include <caf/sec.hpp>

namespace kintsugi::ets::detail {

namespace {

constexpr std::size_t max_orders = 64;
std::array<std::atomic<compare_fn>, max_orders> orders{};

template <std::size_t I>
int trampoline(const MDB_val* a, const MDB_val* b) {
  return orders[I].load(std::memory_order_relaxed)(a->mv_data, a->mv_size, b->mv_data, b->mv_size);
}

template <std::size_t... Is>
constexpr std::array<MDB_cmp_func*, max_orders> make_trampolines(std::index_sequence<Is...>) {
  return {&trampoline<Is>...};
}

constexpr auto trampolines = make_trampolines(std::make_index_sequence<max_orders>{});

} // namespace

caf::expected<MDB_cmp_func*> lmdb_order(compare_fn fn) {
  static std::mutex mtx;
  std::lock_guard<std::mutex> guard{mtx};
  for (std::size_t i = 0; i < max_orders; ++i) {
    auto current = orders[i].load(std::memory_order_relaxed);
    if (current == fn)
      return trampolines[i];
    if (current == nullptr) {
      orders[i].store(fn, std::memory_order_relaxed);
      return trampolines[i];
    }
  }
  return caf::make_error(caf::sec::runtime_error, "too many ordered key types in one process");
}

} // namespace kintsugi::ets::detail
