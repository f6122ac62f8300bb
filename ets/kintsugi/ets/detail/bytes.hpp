#pragma once

// Keys and values as a durable table's file holds them. Internal.

#include <string>
#include <string_view>

namespace kintsugi::ets::detail {

using bytes = std::string;
using bytes_view = std::string_view;

} // namespace kintsugi::ets::detail
