#include "kintsugi/strategies/one_for_all.hpp"

#include "restart_range.hpp"

namespace kintsugi {

std::string_view one_for_all_strategy::name() const noexcept {
  return "one_for_all";
}

restart_plan one_for_all_strategy::plan(const child_list& children, std::size_t failed) const {
  return restart_range(children, 0, failed);
}

restart_strategy_ptr one_for_all() {
  static const auto instance = std::make_shared<const one_for_all_strategy>();
  return instance;
}

} // namespace kintsugi
