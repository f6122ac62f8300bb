#include "ets_fixture.hpp"

namespace kintsugi::test {

caf::behavior idle(caf::event_based_actor*) {
  return {[](caf::ok_atom) {}};
}

} // namespace kintsugi::test
