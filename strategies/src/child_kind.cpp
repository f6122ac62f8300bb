#include "kintsugi/strategies/child_kind.hpp"

namespace kintsugi {

const char* to_string(restart_type x) noexcept {
  switch (x) {
    case restart_type::permanent:
      return "permanent";
    case restart_type::transient:
      return "transient";
    case restart_type::temporary:
      return "temporary";
  }
  return "unknown";
}

const char* to_string(child_type x) noexcept {
  return x == child_type::worker ? "worker" : "supervisor";
}

} // namespace kintsugi
