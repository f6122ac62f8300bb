#pragma once

#include "kintsugi/strategies/restart_strategy.hpp"

namespace kintsugi {

/// OTP's `rest_for_one`: when a child ends, the children started after it are
/// stopped in reverse start order, then it and they are started again in
/// start order. For a chain where each child depends on those before it.
class rest_for_one_strategy final : public restart_strategy {
public:
  std::string_view name() const noexcept override;
  restart_plan plan(const child_list& children, std::size_t failed) const override;
};

/// The shared `rest_for_one` strategy object.
restart_strategy_ptr rest_for_one();

} // namespace kintsugi
