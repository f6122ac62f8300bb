#include "headless_browser.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_program.hpp"
#include "web_client.hpp"

namespace kintsugi::web::test {

namespace {

const json_value* member(const json_value& x, const std::string& name) {
  auto obj = x.as_object();
  if (!obj)
    return nullptr;
  auto i = obj->find(name);
  return i == obj->end() ? nullptr : &i->second;
}

std::string base64_decode(const std::string& in) {
  static const std::string digits
    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    auto d = digits.find(c);
    if (d == std::string::npos)
      continue; // padding
    acc = (acc << 6) | static_cast<uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

// The page's way of telling that a wait outlived its document (a reload):
// then the wait starts again in the new one.
bool context_gone(const std::string& message) {
  return message.find("context was destroyed") != std::string::npos
         || message.find("Cannot find context") != std::string::npos
         || message.find("Inspected target navigated") != std::string::npos;
}

} // namespace

std::string js_string(const std::string& x) {
  json_writer w;
  w.value(x);
  return w.str();
}

struct headless_browser::impl {
  pid_t pid = -1;
  std::filesystem::path profile;
  std::thread drain;
  std::unique_ptr<ws_client> devtools;
  uint64_t next_id = 1;

  // Sends one command (in a tab's session, unless `session` is empty) and
  // returns its result; events that arrive meanwhile are skipped.
  json_value command(const std::string& session, const std::string& method,
                     const std::string& params) {
    auto id = next_id++;
    std::string msg = "{\"id\":" + std::to_string(id) + ",\"method\":" + js_string(method)
                      + ",\"params\":" + params;
    if (!session.empty())
      msg += ",\"sessionId\":" + js_string(session);
    devtools->send(msg + "}");
    while (true) {
      auto text = devtools->read();
      auto reply = parse_json(text, 256);
      if (!reply || reply->count_member("id") != id)
        continue;
      if (auto err = member(*reply, "error"))
        throw std::runtime_error(method + ": " + *err->string_member("message"));
      return *member(*reply, "result");
    }
  }
};

headless_browser::headless_browser() : impl_(std::make_shared<impl>()) {
  char dir[] = "/tmp/kintsugi-browser-XXXXXX";
  if (!mkdtemp(dir))
    throw std::runtime_error("mkdtemp failed");
  impl_->profile = dir;
  auto profile_flag = "--user-data-dir=" + impl_->profile.string();
  std::array<const char*, 20> argv{CHROMIUM_PROGRAM,
                                   "--headless",
                                   "--no-sandbox", // tests run as root in CI
                                   "--disable-gpu",
                                   "--disable-dev-shm-usage",
                                   "--no-first-run",
                                   "--no-default-browser-check",
                                   "--disable-extensions",
                                   "--disable-background-networking",
                                   "--disable-background-timer-throttling",
                                   "--disable-renderer-backgrounding",
                                   "--disable-backgrounding-occluded-windows",
                                   "--window-size=1280,860",
                                   "--remote-debugging-address=127.0.0.1",
                                   "--remote-debugging-port=0",
                                   profile_flag.c_str(),
                                   "about:blank",
                                   nullptr};
  // One group: its helpers go with it.
  child_program browser{argv.data(), STDERR_FILENO, true};
  impl_->pid = browser.pid;
  // The browser says where its DevTools listen on stderr; read up to there,
  // then keep reading in the background so that it never blocks on a full pipe.
  auto err = browser.output;
  std::string endpoint;
  std::array<char, 4096> line;
  while (endpoint.empty() && fgets(line.data(), line.size(), err)) {
    std::string x{line.data()};
    auto at = x.find("DevTools listening on ws://");
    if (at != std::string::npos)
      endpoint = x.substr(at + 22, x.find_last_not_of("\r\n") - at - 21);
  }
  impl_->drain = std::thread{[err, line]() mutable {
    while (fgets(line.data(), line.size(), err))
      ;
    fclose(err);
  }};
  if (endpoint.empty())
    throw std::runtime_error(std::string{"the browser ("} + CHROMIUM_PROGRAM
                             + ") did not start its DevTools");
  // ws://127.0.0.1:PORT/devtools/browser/ID
  auto host_end = endpoint.find('/', 5);
  auto port = static_cast<uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':', host_end) + 1)));
  impl_->devtools = std::make_unique<ws_client>(port, endpoint.substr(host_end));
}

headless_browser::~headless_browser() {
  if (impl_->devtools) {
    try {
      impl_->command("", "Browser.close", "{}");
    } catch (...) {
      // It may close the connection before it answers.
    }
  }
  if (impl_->pid > 0) {
    kill(-impl_->pid, SIGKILL);
    int status = 0;
    waitpid(impl_->pid, &status, 0);
  }
  if (impl_->drain.joinable())
    impl_->drain.join();
  std::error_code ignored;
  std::filesystem::remove_all(impl_->profile, ignored);
}

headless_browser::tab headless_browser::open(const std::string& url) {
  auto target = impl_->command("", "Target.createTarget", "{\"url\":\"about:blank\"}");
  auto attached = impl_->command("", "Target.attachToTarget",
                                 "{\"targetId\":" + js_string(*target.string_member("targetId"))
                                   + ",\"flatten\":true}");
  tab t{impl_, *attached.string_member("sessionId")};
  t.command("Page.enable", "{}");
  t.command("Page.navigate", "{\"url\":" + js_string(url) + "}");
  t.wait_for("document.readyState === 'complete' && location.href === " + js_string(url));
  return t;
}

json_value headless_browser::tab::command(const std::string& method, const std::string& params) {
  return browser_->command(session_, method, params);
}

json_value headless_browser::tab::eval(const std::string& expression) {
  auto r = command("Runtime.evaluate", "{\"expression\":" + js_string(expression)
                                         + ",\"returnByValue\":true,\"awaitPromise\":true}");
  if (auto ex = member(r, "exceptionDetails")) {
    auto text = ex->string_member("text");
    auto exception = member(*ex, "exception");
    auto description = exception ? exception->string_member("description") : nullptr;
    throw std::runtime_error("in the page: "
                             + (description ? *description
                                : text      ? *text
                                            : "?")
                             + "\n  evaluating: " + expression);
  }
  auto result = member(r, "result");
  auto value = result ? member(*result, "value") : nullptr;
  return value ? *value : json_value{};
}

void headless_browser::tab::wait_for(const std::string& condition) {
  auto script
    = "new Promise(done => { const ok = () => { try { return !!(" + condition
      + "); } catch (e) { return false; } };"
        " if (ok()) return done(true);"
        " const o = new MutationObserver(() => { if (ok()) { o.disconnect(); done(true); } });"
        " o.observe(document, {subtree: true, childList: true, attributes: true,"
        " characterData: true}); })";
  while (true) {
    try {
      eval(script);
      return;
    } catch (const std::runtime_error& e) {
      if (!context_gone(e.what()))
        throw;
    }
  }
}

void headless_browser::tab::click(const std::string& selector) {
  eval("(() => { const e = document.querySelector(" + js_string(selector)
       + "); if (!e) throw new Error('nothing matches ' + " + js_string(selector)
       + "); e.click(); })()");
}

void headless_browser::tab::type(const std::string& selector, const std::string& text) {
  eval("(() => { const e = document.querySelector(" + js_string(selector)
       + "); if (!e) throw new Error('nothing matches ' + " + js_string(selector)
       + "); e.value = " + js_string(text) + "; })()");
}

void headless_browser::tab::reload() {
  eval("window.kintsugiOldDocument = true");
  command("Page.reload", "{}");
  wait_for("!window.kintsugiOldDocument && document.readyState === 'complete'");
}

void headless_browser::tab::screenshot(const std::string& path) {
  auto shot = command("Page.captureScreenshot", "{\"format\":\"png\"}");
  std::ofstream out{path, std::ios::binary};
  out << base64_decode(*shot.string_member("data"));
}

} // namespace kintsugi::web::test
