#include "kintsugi/web.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <caf/sec.hpp>

#include <fmt/core.h>

#include "kintsugi/error.hpp"
#include "kintsugi/same_secret.hpp"

#include "server_core.hpp"

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace kintsugi::web {

namespace detail {

namespace {

std::string random_token() {
  std::random_device entropy;
  std::string result;
  for (int i = 0; i < 4; ++i)
    result += fmt::format("{:08x}", entropy());
  return result;
}

} // namespace

server_core::server_core(caf::actor_system& s, options o) : sys(s), opts(std::move(o)) {
}

caf::error server_core::start() {
  auto refuse = [](std::string what) { return make_error(errc::invalid_spec, std::move(what)); };
  if (opts.max_connections == 0 || opts.max_header_bytes == 0 || opts.max_frame_bytes == 0
      || opts.max_queued_bytes == 0)
    return refuse("web::options: a limit of zero");
  auto url_safe = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'
           || c == '~';
  };
  if (opts.token.size() < 16 || !std::all_of(opts.token.begin(), opts.token.end(), url_safe))
    return refuse("web::options: a token needs at least 16 characters of A-Z a-z 0-9 - _ . ~");
  if (opts.observer) {
    pages_.emplace("/", observer_page);
    sockets_.emplace("/observer/socket", connect_observer);
  }
  for (auto& a : opts.apps) {
    if (a.path.size() < 2 || a.path.front() != '/' || !a.connect)
      return refuse("web::app: a path that starts with '/' and a connect function, not \"" + a.path
                    + "\"");
    if (!pages_.emplace(a.path, a.page).second
        || !sockets_.emplace(a.path + "/socket", a.connect).second)
      return refuse("web::app: the path \"" + a.path + "\" is taken");
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(opts.address, ec);
  if (ec)
    return refuse("web::options: \"" + opts.address + "\" is not an IP address");
  tcp::endpoint at{address, opts.port};
  auto fail = [&](const char* step) {
    return caf::make_error(caf::sec::cannot_open_port,
                           fmt::format("web server on {}:{}: {}: {}", opts.address, opts.port, step,
                                       ec.message()));
  };
  if (acceptor_.open(at.protocol(), ec); ec)
    return fail("open");
  if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec); ec)
    return fail("reuse_address");
  if (acceptor_.bind(at, ec); ec)
    return fail("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec)
    return fail("listen");
  port = acceptor_.local_endpoint().port();
  running_ = true;
  work_.emplace(ioc.get_executor());
  accept();
  thread_ = std::thread{[this] { ioc.run(); }};
  return {};
}

void server_core::accept() {
  acceptor_.async_accept(
    [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
      if (!self->acceptor_.is_open())
        return;
      // Errors of one accept (the peer gave up, no descriptors left) end only
      // that connection; the server accepts on.
      if (!ec)
        start_http_session(self, std::move(socket));
      self->accept();
    });
}

void server_core::post(std::function<void()> f) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (running_)
    asio::post(ioc, std::move(f));
}

void server_core::stop() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!running_)
      return;
    running_ = false;
    // Closing the acceptor and every session completes whatever waits on
    // them, so that ioc.run() returns once the work guard goes.
    asio::post(ioc, [this] {
      acceptor_.close();
      auto open = sessions_;
      for (auto& [ptr, weak] : open)
        if (auto s = weak.lock())
          s->shut();
    });
  }
  work_.reset();
  thread_.join();
}

const std::function<caf::actor(caf::actor_system&, peer)>*
server_core::socket_at(std::string_view path) const {
  auto i = sockets_.find(path);
  return i == sockets_.end() ? nullptr : &i->second;
}

std::optional<std::string_view> server_core::page_at(std::string_view path) const {
  auto i = pages_.find(path);
  if (i == pages_.end())
    return std::nullopt;
  return i->second;
}

bool server_core::token_matches(std::string_view candidate) const {
  return same_secret(candidate, opts.token);
}

void server_core::opened(const std::shared_ptr<session_base>& s) {
  sessions_.emplace(s.get(), s);
}

void server_core::closed(session_base* s) {
  sessions_.erase(s);
}

} // namespace detail

server::server(std::shared_ptr<detail::server_core> x) : core_(std::move(x)) {
}

server::server(server&&) noexcept = default;

server& server::operator=(server&& other) noexcept {
  if (this != &other) {
    stop();
    core_ = std::move(other.core_);
  }
  return *this;
}

server::~server() {
  stop();
}

uint16_t server::port() const {
  return core_->port;
}

const std::string& server::token() const {
  return core_->opts.token;
}

std::string server::url(std::string_view path) const {
  auto host = core_->opts.address.find(':') == std::string::npos ? core_->opts.address
                                                                 : "[" + core_->opts.address + "]";
  return fmt::format("http://{}:{}{}?token={}", host, core_->port, path, core_->opts.token);
}

void server::stop() {
  if (core_)
    core_->stop();
}

caf::expected<server> serve(caf::actor_system& sys, options opts) {
  if (opts.token.empty())
    opts.token = detail::random_token();
  auto core = std::make_shared<detail::server_core>(sys, std::move(opts));
  if (auto err = core->start())
    return err;
  return server{std::move(core)};
}

} // namespace kintsugi::web
