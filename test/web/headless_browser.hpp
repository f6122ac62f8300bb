#pragma once

// Debian's chromium, headless, driven over the DevTools protocol (CDP) on its
// remote-debugging port: what the browser tests use to click through the
// observer and the Islands page as a user would. Every wait is for an event
// in the page (a DOM change that makes a condition true), never for a time.

#include <cstdint>
#include <memory>
#include <string>

#include "kintsugi/web/json.hpp"

namespace kintsugi::web::test {

class headless_browser {
public:
  class tab;

  /// Starts the browser; throws when it cannot.
  headless_browser();
  ~headless_browser();

  headless_browser(const headless_browser&) = delete;
  headless_browser& operator=(const headless_browser&) = delete;

  /// Opens `url` in a new tab and waits until it has loaded.
  tab open(const std::string& url);

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

class headless_browser::tab {
public:
  /// Evaluates `expression` in the page and returns its value (as JSON);
  /// throws on an exception in the page.
  json_value eval(const std::string& expression);

  /// Waits until `condition` (a JavaScript expression) is true in the page:
  /// checked now and after every change of the document.
  void wait_for(const std::string& condition);

  /// Clicks the element `selector` finds; throws when none does.
  void click(const std::string& selector);

  /// Sets the value of the input `selector` finds.
  void type(const std::string& selector, const std::string& text);

  /// Reloads the page and waits until it has loaded.
  void reload();

  /// Writes a PNG of the page to `path`.
  void screenshot(const std::string& path);

private:
  friend class headless_browser;

  tab(std::shared_ptr<impl> browser, std::string session)
    : browser_(std::move(browser)), session_(std::move(session)) {
  }

  json_value command(const std::string& method, const std::string& params);

  std::shared_ptr<impl> browser_;
  std::string session_;
};

/// A JavaScript string literal of `x`.
std::string js_string(const std::string& x);

} // namespace kintsugi::web::test
