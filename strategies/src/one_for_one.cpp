#include "kintsugi/strategies/one_for_one.hpp"

namespace kintsugi {

std::string_view one_for_one_strategy::name() const noexcept {
  return "one_for_one";
}

restart_plan one_for_one_strategy::plan(const child_list&, std::size_t failed) const {
  return {{}, {failed}};
}

restart_strategy_ptr one_for_one() {
  static const auto instance = std::make_shared<const one_for_one_strategy>();
  return instance;
}

} // namespace kintsugi
