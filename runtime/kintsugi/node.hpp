#pragma once

/// @file
/// Children on other nodes, in target `kintsugi::remote`. A node is a program
/// that runs children for supervisors elsewhere: it calls `serve_node`, which
/// publishes its spawner on a port (CAF's middleman). A child spec whose start
/// is `on_node` spawns its actor there, and the child is supervised as any
/// other: its local actor is the handle the supervisor holds, forwards every
/// message to the actor on the node, and ends when that actor ends, with its
/// reason, or with `errc::node_down` when the connection to the node is lost.
///
/// ```cpp
/// // On the node (its configuration registers the types it can run):
/// kintsugi::node_options node;
/// node.secret = secret;
/// node.port = 4001;
/// auto port = kintsugi::serve_node(sys, node);
///
/// // In the supervising program: on the first node that answers.
/// kintsugi::remote_options where;
/// where.actor_type = "parser";
/// where.secret = secret;
/// where.nodes = {{"127.0.0.1", 4001}, {"127.0.0.1", 4002}};
/// auto spec = kintsugi::worker_spec("parser", parser_actor);
/// spec.start = kintsugi::on_node(where);
/// ```
///
/// Security: a node spawns only for a peer that presents its secret (in the
/// spirit of Erlang's cookie; compared in constant time), and logs every
/// refusal on stderr. CAF's own remote spawning, which would spawn any
/// registered type for any peer, is turned off in a node's actor system.
/// Requests are checked by type like any CAF message; an unknown actor type is
/// an error for the caller. Without TLS the secret crosses the connection in
/// the clear: keep such nodes on loopback or a trusted network. With TLS
/// (`use_tls`, and `tls` in both options) the connection is encrypted and
/// both sides present a certificate that must chain to the configured
/// authority before a message passes; the secret is checked as well. An actor a node spawned for a
/// peer is killed when that peer's child ends or its connection is lost, so nothing a dead
/// supervisor started keeps running on a node.
///
/// Failover: each start tries `nodes` in order; a restart after a node was
/// lost finds the next one, and a start function of your own may call
/// `on_node` with whatever list it chooses.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/expected.hpp>
#include <caf/fwd.hpp>
#include <caf/message.hpp>

#include "kintsugi/child_spec.hpp"

namespace kintsugi {

/// Where a node listens.
struct node_address {
  std::string host;
  uint16_t port = 0;
};

/// "host:port".
std::string to_string(const node_address& x);

/// TLS between nodes, on CAF's OpenSSL module (libcaf_openssl): mutual
/// authentication, so each side needs a certificate and key, and accepts a
/// peer only when the peer's certificate chains to `authority`. Any holder of
/// such a certificate is a peer (host names are not checked): give your nodes
/// an authority of their own.
struct tls_options {
  /// PEM file: this program's certificate (or chain).
  std::string certificate;
  /// PEM file: its private key.
  std::string key;
  /// The key's passphrase, when the key is encrypted.
  std::string passphrase;
  /// PEM file: the authorities that sign the certificates of peers.
  std::string authority;
};

/// Loads CAF's OpenSSL module into `cfg` with `options`, once they are shown
/// to work: every file read, the key matching the certificate. Call it before
/// the actor system is made, after `cfg.load<caf::io::middleman>()`. Errors:
/// `errc::invalid_spec`, naming the file and OpenSSL's reason. (CAF itself
/// would throw inside its network thread on such files.)
caf::error use_tls(caf::actor_system_config& cfg, const tls_options& options);

/// How `serve_node` serves.
struct node_options {
  /// What a peer must present to spawn anything; at least 16 characters.
  std::string secret;
  /// 0 picks a free port.
  uint16_t port = 0;
  /// The address to listen on.
  std::string address = "127.0.0.1";
  /// Accept TLS connections only (the configuration needs `use_tls`).
  bool tls = false;
};

/// Makes this program a node: publishes its spawner on `options.port` (the
/// address reused, so that a node started again takes its old port) and
/// turns CAF's own remote spawning off. The types it runs are those its
/// configuration registered with `add_actor_type`. Returns the port; errors:
/// `errc::invalid_spec` for a short secret, a missing middleman, or `tls`
/// without `use_tls`; CAF's when it cannot listen.
caf::expected<uint16_t> serve_node(caf::actor_system& sys, node_options options);

/// How `on_node` starts a child.
struct remote_options {
  /// The actor type the node spawns (its `add_actor_type` name).
  std::string actor_type;
  /// Arguments for the actor, before the start's extra arguments.
  caf::message args = {};
  /// The nodes' secret.
  std::string secret;
  /// Tried in order at each start; the first that spawns the actor wins.
  std::vector<node_address> nodes;
  /// How often the actor is asked whether it still answers, and how long it
  /// has to answer before the child ends with `errc::process_unresponsive`.
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds heartbeat_timeout{5000};
  /// How long a start may take over all nodes (connect, spawn, init).
  std::chrono::milliseconds launch_timeout{30'000};
  /// Connect over TLS (the configuration needs `use_tls`): required by nodes
  /// that serve with `tls`, refused by the others.
  bool tls = false;
};

/// A start function that spawns the child on the first node of
/// `options.nodes` that does. The start fails with the nodes' errors:
/// `errc::node_unreachable`, `errc::node_refused`, or CAF's for a type the
/// node does not know or arguments it does not take (the context lists each
/// node's answer); with `errc::invalid_spec` for invalid options, an actor
/// system without the middleman, or `tls` without `use_tls`.
start_fn on_node(remote_options options);

} // namespace kintsugi
