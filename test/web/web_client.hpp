#pragma once

// Plain blocking HTTP and WebSocket clients on Beast, for the web tests and
// the browser test's DevTools connection. Every call gives up after a
// generous deadline, so that a missing answer fails a test instead of
// hanging it.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kintsugi::web::test {

struct http_answer {
  int status = 0;
  std::string content_type;
  std::string body;
};

/// Sends `request` (a complete HTTP/1.1 request, as bytes) to
/// 127.0.0.1:`port` and reads the answer.
http_answer http_raw(uint16_t port, const std::string& request);

/// GET `target`, with extra header lines ("Name: value").
http_answer http_get(uint16_t port, const std::string& target,
                     const std::vector<std::string>& headers = {});

/// Opens `n` connections at once, then sends `request` on each and returns
/// each answer's status (0 for a connection closed without an answer).
std::vector<int> http_flood(uint16_t port, std::size_t n, const std::string& request);

/// A WebSocket client connection.
class ws_client {
public:
  /// Connects to ws://127.0.0.1:`port``target`; throws with the server's
  /// answer when the handshake is refused.
  ws_client(uint16_t port, const std::string& target);
  ~ws_client();

  void send(const std::string& text);

  /// The next text frame; throws when the connection closes.
  std::string read();

  /// Reads frames until `pred` holds for one, and returns it.
  std::string read_until(const std::function<bool(const std::string&)>& pred);

  /// The close code the server sent, after read() threw.
  int close_code() const;

  void close();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace kintsugi::web::test
