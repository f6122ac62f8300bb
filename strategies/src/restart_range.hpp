#pragma once

#include "kintsugi/strategies/restart_strategy.hpp"

namespace kintsugi {

/// Stops the children in [first, size) other than `failed` in reverse start
/// order, then starts all of [first, size) in start order.
restart_plan restart_range(const child_list& children, std::size_t first, std::size_t failed);

} // namespace kintsugi
