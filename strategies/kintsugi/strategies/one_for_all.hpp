#pragma once

#include "kintsugi/strategies/restart_strategy.hpp"

namespace kintsugi {

/// OTP's `one_for_all`: when one child ends, all the others are stopped in
/// reverse start order, then all are started again in start order. For
/// children that depend on each other so much that none can go on alone.
class one_for_all_strategy final : public restart_strategy {
public:
  std::string_view name() const noexcept override;
  restart_plan plan(const child_list& children, std::size_t failed) const override;
};

/// The shared `one_for_all` strategy object.
restart_strategy_ptr one_for_all();

} // namespace kintsugi
