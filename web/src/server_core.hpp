#pragma once

// The server's shared state: its io_context and thread, its options and
// routes, and the sessions it must close when it stops. Internal to
// kintsugi::web.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "kintsugi/web.hpp"

namespace kintsugi::web::detail {

/// Something the server closes when it stops; io thread only.
class session_base {
public:
  virtual ~session_base() = default;
  virtual void shut() = 0;
};

class server_core : public std::enable_shared_from_this<server_core> {
public:
  server_core(caf::actor_system& sys, options opts);

  caf::error start();
  void stop();

  /// Runs `f` on the server's thread, unless the server stopped (then `f`
  /// is dropped here): so that no work is queued that would never run.
  void post(std::function<void()> f);

  /// The actor factory of the WebSocket at `path`, or none.
  const std::function<caf::actor(caf::actor_system&, peer)>* socket_at(std::string_view path) const;

  /// The page at `path`, or none.
  std::optional<std::string_view> page_at(std::string_view path) const;

  bool token_matches(std::string_view candidate) const;

  // Io thread only.
  void opened(const std::shared_ptr<session_base>& s);
  void closed(session_base* s);
  std::size_t connections() const {
    return sessions_.size();
  }

  caf::actor_system& sys;
  const options opts;
  boost::asio::io_context ioc{1};
  /// The port listened on, known once started.
  uint16_t port = 0;

private:
  void accept();

  boost::asio::ip::tcp::acceptor acceptor_{ioc};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::mutex mtx_;
  bool running_ = false;
  std::map<std::string, std::string_view, std::less<>> pages_;
  std::map<std::string, std::function<caf::actor(caf::actor_system&, peer)>, std::less<>> sockets_;
  std::unordered_map<session_base*, std::weak_ptr<session_base>> sessions_;
};

/// Starts the session of a connection just accepted.
void start_http_session(std::shared_ptr<server_core> core, boost::asio::ip::tcp::socket socket);

/// The observer's page, compiled in (assets.cpp is generated from
/// web/assets/).
extern const std::string_view observer_page;

/// Spawns the actor serving one observer page's socket.
caf::actor connect_observer(caf::actor_system& sys, peer client);

/// Builds `/metrics` and hands the text to `done`, from another thread.
void render_metrics(caf::actor_system& sys, std::function<void(std::string)> done);

} // namespace kintsugi::web::detail
