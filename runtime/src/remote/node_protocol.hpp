#pragma once

// What a node child (node_child.cpp) asks a node's spawner (node_spawner.cpp).
// Internal.
//
//   child -> spawner   (node_spawn_atom, secret, actor type, args) -> (actor)
//
// The spawner answers once the actor has run its init, and kills it when the
// child that asked ends or its connection is lost.

#include <cstddef>

#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/io/middleman_actor.hpp>

namespace kintsugi::detail {

using node_spawn_atom = caf::atom_constant<caf::atom("k_nspawn")>;

/// The longest secret and type name a spawner reads.
constexpr std::size_t max_secret_length = 1024;
constexpr std::size_t max_type_length = 256;
/// The shortest secret a node takes.
constexpr std::size_t min_secret_length = 16;

/// The middleman actor that node connections go through: CAF's plain one, or
/// its OpenSSL module's for `tls` (node_tls.cpp); `errc::invalid_spec` when
/// that module was not loaded.
caf::expected<caf::io::middleman_actor> node_transport(caf::actor_system& sys, bool tls);

} // namespace kintsugi::detail
