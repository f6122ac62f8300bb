#pragma once

/// @file
/// The program's own web server: the observer (Erlang's observer, in a
/// browser) at `/`, Prometheus metrics at `/metrics`, and pages of the
/// program's own (`app`) beside them, each with a WebSocket whose client is
/// served by an actor. Boost.Beast on one thread of its own; the pages are
/// compiled into the library, so nothing is installed or fetched.
///
/// ```cpp
/// auto web = kintsugi::web::serve(sys);          // 127.0.0.1, a free port
/// if (web)
///   std::cout << "observer: " << web->url() << '\n';  // the URL carries the token
/// ```
///
/// Access: every request and every WebSocket handshake carries the token, as
/// `?token=` or `Authorization: Bearer`; without it the answer is 401 and
/// nothing happens. A bad request gets a 4xx with a JSON body
/// `{"error": "..."}` and changes nothing; a request header over
/// `max_header_bytes` is 431; a frame over `max_frame_bytes` closes its
/// socket; past `max_connections` a new connection is answered 503; a client
/// that does not read what it is sent (more than `max_queued_bytes` waiting)
/// is disconnected rather than let the server's memory grow.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

namespace kintsugi::web {

namespace detail {
class socket_session;
class server_core;
} // namespace detail

/// `(text_atom, std::string)`: a text frame from a WebSocket client, sent to
/// the actor that serves it. The actor is sent an exit (`user_shutdown`)
/// when its client goes.
using text_atom = caf::atom_constant<caf::atom("k_wtext")>;

/// A WebSocket client as the actor serving it sees it. Copyable and
/// thread-safe; once the client is gone, both calls do nothing.
class peer {
public:
  peer() = default;

  /// Queues one text frame for the client.
  void send(std::string text) const;

  /// Closes the socket after what is queued.
  void close() const;

private:
  friend class detail::socket_session;

  explicit peer(std::weak_ptr<detail::socket_session> x) : session_(std::move(x)) {
  }

  std::weak_ptr<detail::socket_session> session_;
};

/// A page of the program's own, served beside the observer: `page` at
/// `path`, and its WebSocket at `path + "/socket"`, where each client gets
/// the actor that `connect` spawns for it. Its messages are
/// `(text_atom, std::string)`; when the actor ends, the socket closes.
struct app {
  /// Starts with '/', e.g. "/islands".
  std::string path;
  /// A complete HTML document, served as is (it must outlive the server).
  std::string_view page;
  std::function<caf::actor(caf::actor_system&, peer)> connect;
};

struct options {
  /// Where to listen: loopback unless told otherwise.
  std::string address = "127.0.0.1";
  /// 0: a free port, see `server::port()`.
  uint16_t port = 0;
  /// Empty: a random one (128 bits), see `server::token()`.
  std::string token;
  /// Serve the observer at `/` (and its socket at `/observer/socket`).
  bool observer = true;
  std::vector<app> apps;
  std::size_t max_connections = 128;
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_frame_bytes = 64 * 1024;
  std::size_t max_queued_bytes = 8 * 1024 * 1024;
};

/// A running server; it stops when destroyed. Stopping closes every
/// connection and ends every actor serving a socket.
class server {
public:
  server(server&&) noexcept;
  server& operator=(server&&) noexcept;
  ~server();

  uint16_t port() const;
  const std::string& token() const;

  /// `http://address:port` + `path` + `?token=...`: what a browser opens.
  std::string url(std::string_view path = "/") const;

  void stop();

private:
  friend caf::expected<server> serve(caf::actor_system&, options);

  explicit server(std::shared_ptr<detail::server_core> x);

  std::shared_ptr<detail::server_core> core_;
};

/// Starts a server for `sys` on a thread of its own. Errors:
/// `errc::invalid_spec` (an address that is not an IP address, an app path
/// that does not start with '/' or is taken, a limit of zero),
/// `sec::cannot_open_port` (the port is taken or not ours to use).
caf::expected<server> serve(caf::actor_system& sys, options opts = {});

} // namespace kintsugi::web
