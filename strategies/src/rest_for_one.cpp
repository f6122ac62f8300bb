#include "kintsugi/strategies/rest_for_one.hpp"

#include "restart_range.hpp"

namespace kintsugi {

std::string_view rest_for_one_strategy::name() const noexcept {
  return "rest_for_one";
}

restart_plan rest_for_one_strategy::plan(const child_list& children, std::size_t failed) const {
  return restart_range(children, failed, failed);
}

restart_strategy_ptr rest_for_one() {
  static const auto instance = std::make_shared<const rest_for_one_strategy>();
  return instance;
}

} // namespace kintsugi
