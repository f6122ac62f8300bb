#pragma once

#include "kintsugi/strategies/restart_strategy.hpp"

namespace kintsugi {

/// OTP's `one_for_one`: only the child that ended is restarted; its siblings
/// are not touched.
class one_for_one_strategy final : public restart_strategy {
public:
  std::string_view name() const noexcept override;
  restart_plan plan(const child_list& children, std::size_t failed) const override;
};

/// The shared `one_for_one` strategy object.
restart_strategy_ptr one_for_one();

} // namespace kintsugi
