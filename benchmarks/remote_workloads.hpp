#pragma once

// What kintsugi-bench and kintsugi-bench-peer share for W7 and W8.

#include <caf/atom.hpp>

namespace kintsugi::bench {

using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;
using segv_atom = caf::atom_constant<caf::atom("segv")>;

} // namespace kintsugi::bench
