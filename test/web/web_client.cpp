#include "web_client.hpp"

#include <chrono>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace kintsugi::web::test {

namespace {

// Long enough never to fire on a working server, even under a sanitizer.
constexpr auto deadline = std::chrono::seconds(60);

tcp::endpoint loopback(uint16_t port) {
  return {asio::ip::make_address("127.0.0.1"), port};
}

http_answer read_answer(beast::tcp_stream& stream) {
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  stream.expires_after(deadline);
  http::read(stream, buffer, res);
  return {static_cast<int>(res.result_int()), std::string{res[http::field::content_type]},
          res.body()};
}

} // namespace

http_answer http_raw(uint16_t port, const std::string& request) {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  stream.expires_after(deadline);
  stream.connect(loopback(port));
  asio::write(stream, asio::buffer(request));
  return read_answer(stream);
}

http_answer http_get(uint16_t port, const std::string& target,
                     const std::vector<std::string>& headers) {
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (auto& h : headers)
    request += h + "\r\n";
  return http_raw(port, request + "\r\n");
}

std::vector<int> http_flood(uint16_t port, std::size_t n, const std::string& request) {
  asio::io_context ioc;
  std::vector<beast::tcp_stream> streams;
  streams.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    streams.emplace_back(ioc);
    streams.back().expires_after(deadline);
    streams.back().connect(loopback(port));
  }
  std::vector<int> result;
  for (auto& s : streams) {
    beast::error_code ec;
    asio::write(s, asio::buffer(request), ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(s, buffer, res, ec);
    result.push_back(ec ? 0 : static_cast<int>(res.result_int()));
  }
  return result;
}

struct ws_client::impl {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
};

ws_client::ws_client(uint16_t port, const std::string& target) : impl_(std::make_unique<impl>()) {
  auto& ws = impl_->ws;
  beast::get_lowest_layer(ws).expires_after(deadline);
  beast::get_lowest_layer(ws).connect(loopback(port));
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "127.0.0.1:" + std::to_string(port), target, ec);
  if (ec)
    throw std::runtime_error("handshake refused: " + std::to_string(res.result_int()) + " "
                             + res.body());
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout{deadline, deadline, false});
  ws.read_message_max(64 * 1024 * 1024);
}

ws_client::~ws_client() = default;

void ws_client::send(const std::string& text) {
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text));
}

std::string ws_client::read() {
  beast::flat_buffer buffer;
  impl_->ws.read(buffer);
  return beast::buffers_to_string(buffer.data());
}

std::string ws_client::read_until(const std::function<bool(const std::string&)>& pred) {
  while (true) {
    auto x = read();
    if (pred(x))
      return x;
  }
}

int ws_client::close_code() const {
  return static_cast<int>(impl_->ws.reason().code);
}

void ws_client::close() {
  impl_->ws.close(websocket::close_code::normal);
}

} // namespace kintsugi::web::test
