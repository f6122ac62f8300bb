#include "restart_range.hpp"

namespace kintsugi {

// Both strategies that restart more than one child share this shape: restart
// [first, size) in start order, after stopping all but `failed` in reverse.
restart_plan restart_range(const child_list& children, std::size_t first, std::size_t failed) {
  restart_plan result;
  auto n = children.size();
  for (auto i = n; i > first; --i)
    if (i - 1 != failed)
      result.terminate.push_back(i - 1);
  for (auto i = first; i < n; ++i)
    result.restart.push_back(i);
  return result;
}

} // namespace kintsugi
