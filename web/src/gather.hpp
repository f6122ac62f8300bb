#pragma once

// Snapshots of every supervisor of a system, asked for all at once by an
// actor. Internal to kintsugi::web.

#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "kintsugi/observer.hpp"

namespace kintsugi::web::detail {

struct described {
  caf::actor supervisor;
  supervisor_snapshot snapshot;
};

/// Sends `describe_atom` to every supervisor of `self`'s system, asking for
/// `limit` children from `first_of(sup)` on, and calls `done` on `self` once
/// each has answered or failed. Supervisors that ended meanwhile (or do not
/// answer within a few seconds) are left out; the rest keep start order.
void describe_all(caf::event_based_actor* self,
                  std::function<std::size_t(const caf::actor&)> first_of, std::size_t limit,
                  std::function<void(std::vector<described>)> done);

} // namespace kintsugi::web::detail
