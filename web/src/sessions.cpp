// The server's connections: an HTTP session per connection, which becomes a
// WebSocket session on an upgrade. Everything here runs on the server's
// thread but peer::send, which posts to it.

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <caf/actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "kintsugi/web/json.hpp"
#include "server_core.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace kintsugi::web {

namespace detail {

namespace {

// A request that does not send its header within this is dropped: an idle
// or slow connection must not hold one of the connection slots forever.
constexpr auto request_deadline = std::chrono::seconds(30);

struct target {
  std::string_view path;
  std::string_view token;
};

std::string_view to_std(beast::string_view x) {
  return {x.data(), x.size()};
}

target parse_target(std::string_view x) {
  target result;
  auto q = x.find('?');
  result.path = x.substr(0, q);
  auto query = q == std::string_view::npos ? std::string_view{} : x.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    if (pair.substr(0, 6) == "token=")
      result.token = pair.substr(6);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return result;
}

std::string_view bearer_token(const http::request<http::string_body>& req) {
  auto x = to_std(req[http::field::authorization]);
  return x.substr(0, 7) == "Bearer " ? x.substr(7) : std::string_view{};
}

std::string error_body(std::string_view message) {
  json_writer w;
  w.begin_object().key("error").value(message).end_object();
  return w.str();
}

} // namespace

// -- WebSocket --------------------------------------------------------------------

class socket_session : public session_base, public std::enable_shared_from_this<socket_session> {
public:
  using factory = std::function<caf::actor(caf::actor_system&, peer)>;

  socket_session(std::shared_ptr<server_core> core, tcp::socket socket, const factory& connect)
    : core_(std::move(core)), ws_(std::move(socket)), connect_(connect) {
  }

  ~socket_session() override {
    end_handler();
  }

  void start(http::request<http::string_body> req) {
    core_->opened(shared_from_this());
    // Beast reads the request during the handshake, not only when it starts.
    upgrade_ = std::move(req);
    ws_.read_message_max(core_->opts.max_frame_bytes);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(upgrade_, [self = shared_from_this()](beast::error_code ec) {
      if (ec)
        return self->ended();
      self->handler_ = self->connect_(self->core_->sys, peer{self->weak_from_this()});
      if (!self->handler_)
        return self->close();
      // The socket closes when its actor ends, whatever ends it.
      self->handler_->attach_functor([weak = self->weak_from_this()] {
        if (auto s = weak.lock())
          s->close();
      });
      self->read();
    });
  }

  /// Any thread.
  void send(std::string text) {
    core_->post([self = shared_from_this(), text = std::move(text)]() mutable {
      self->enqueue(std::move(text));
    });
  }

  /// Any thread.
  void close() {
    core_->post([self = shared_from_this()] {
      self->closing_ = true;
      if (!self->writing_)
        self->close_now(self->close_code_);
    });
  }

  void shut() override {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec)
        return self->ended();
      if (!self->ws_.got_text())
        return self->close_now(websocket::close_code::unknown_data);
      caf::anon_send(self->handler_, text_atom::value,
                     beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  void enqueue(std::string text) {
    if (closing_ || !handler_)
      return;
    if (queued_bytes_ + text.size() > core_->opts.max_queued_bytes) {
      // A client that does not read is cut off, not buffered for without end.
      // A frame being written stays until its write completes: Beast reads
      // its bytes from the queue.
      closing_ = true;
      close_code_ = websocket::close_code::policy_error;
      while (queue_.size() > (writing_ ? 1u : 0u)) {
        queued_bytes_ -= queue_.back().size();
        queue_.pop_back();
      }
      if (!writing_)
        close_now(close_code_);
      return;
    }
    queued_bytes_ += text.size();
    queue_.push_back(std::move(text));
    if (!writing_)
      write_next();
  }

  void write_next() {
    if (queue_.empty()) {
      writing_ = false;
      if (closing_)
        close_now(close_code_);
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->queued_bytes_ -= self->queue_.front().size();
                      self->queue_.pop_front();
                      if (ec) {
                        self->writing_ = false;
                        return self->shut();
                      }
                      self->write_next();
                    });
  }

  void close_now(websocket::close_code code) {
    if (close_sent_)
      return;
    close_sent_ = true;
    writing_ = true;
    ws_.async_close(code, [self = shared_from_this()](beast::error_code) { self->shut(); });
  }

  void ended() {
    core_->closed(this);
    end_handler();
  }

  void end_handler() {
    if (handler_) {
      caf::anon_send_exit(handler_, caf::exit_reason::user_shutdown);
      handler_ = nullptr;
    }
  }

  std::shared_ptr<server_core> core_;
  websocket::stream<beast::tcp_stream> ws_;
  const factory& connect_;
  http::request<http::string_body> upgrade_;
  beast::flat_buffer buffer_;
  caf::actor handler_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  // normal, or policy_error for a client cut off.
  websocket::close_code close_code_ = websocket::close_code::normal;
  bool close_sent_ = false;
};

// -- HTTP -------------------------------------------------------------------------

class http_session : public session_base, public std::enable_shared_from_this<http_session> {
public:
  http_session(std::shared_ptr<server_core> core, tcp::socket socket)
    : core_(std::move(core)), stream_(std::move(socket)) {
  }

  void start() {
    core_->opened(shared_from_this());
    read();
  }

  void shut() override {
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(core_->opts.max_header_bytes));
    // Nothing served takes a body.
    parser_->body_limit(0);
    stream_.expires_after(request_deadline);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::header_limit)
      return fail(http::status::request_header_fields_too_large, "request header too large");
    if (ec == http::error::body_limit)
      return fail(http::status::payload_too_large, "requests take no body");
    if (ec == http::error::end_of_stream || ec == beast::error::timeout
        || ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      return ended();
    if (ec)
      return fail(http::status::bad_request, "malformed request: " + ec.message());
    handle(parser_->release());
  }

  void handle(http::request<http::string_body> req) {
    auto at = parse_target(to_std(req.target()));
    if (req.method() != http::verb::get && req.method() != http::verb::head)
      return fail(http::status::method_not_allowed, "only GET is served");
    auto socket = websocket::is_upgrade(req) ? core_->socket_at(at.path) : nullptr;
    auto page = core_->page_at(at.path);
    if (!socket && !page && at.path != "/metrics")
      return fail(http::status::not_found, "nothing at " + std::string{at.path});
    if (!core_->token_matches(at.token) && !core_->token_matches(bearer_token(req)))
      return fail(http::status::unauthorized,
                  "a token is needed: ?token= or Authorization: Bearer");
    if (websocket::is_upgrade(req)) {
      if (!socket)
        return fail(http::status::bad_request, "no WebSocket at " + std::string{at.path});
      // The handshake goes on in the socket session; this one ends here.
      core_->closed(this);
      stream_.expires_never();
      auto s = std::make_shared<socket_session>(core_, stream_.release_socket(), *socket);
      return s->start(std::move(req));
    }
    keep_alive_ = req.keep_alive();
    head_only_ = req.method() == http::verb::head;
    if (page)
      return respond(http::status::ok, "text/html; charset=utf-8", std::string{*page});
    render_metrics(core_->sys, [self = shared_from_this()](std::string text) {
      self->core_->post([self, text = std::move(text)]() mutable {
        self->respond(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                      std::move(text));
      });
    });
  }

  void fail(http::status status, std::string message) {
    // After a bad request the stream's state is unknown: answer and close.
    keep_alive_ = false;
    respond(status, "application/json", error_body(message));
  }

  void respond(http::status status, std::string_view type, std::string body) {
    auto res = std::make_shared<http::response<http::string_body>>(status, 11);
    res->set(http::field::content_type, beast::string_view{type.data(), type.size()});
    res->set(http::field::cache_control, "no-store");
    res->set("Referrer-Policy", "no-referrer");
    res->set("X-Content-Type-Options", "nosniff");
    res->keep_alive(keep_alive_);
    res->body() = std::move(body);
    res->prepare_payload();
    if (head_only_)
      res->body().clear();
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                        if (ec || !self->keep_alive_) {
                          self->shut();
                          return self->ended();
                        }
                        self->read();
                      });
  }

  void ended() {
    core_->closed(this);
  }

  std::shared_ptr<server_core> core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = false;
  bool head_only_ = false;
};

void start_http_session(std::shared_ptr<server_core> core, tcp::socket socket) {
  if (core->connections() >= core->opts.max_connections) {
    // Answered without reading, from here: a flood must not make work.
    static constexpr std::string_view busy
      = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Content-Length: 31\r\nConnection: close\r\n\r\n{\"error\":\"too many connections\"}";
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(busy.data(), busy.size()), ignored);
    socket.close(ignored);
    return;
  }
  std::make_shared<http_session>(std::move(core), std::move(socket))->start();
}

} // namespace detail

void peer::send(std::string text) const {
  if (auto s = session_.lock())
    s->send(std::move(text));
}

void peer::close() const {
  if (auto s = session_.lock())
    s->close();
}

} // namespace kintsugi::web
