#include "kintsugi/error.hpp"

#include <mutex>
#include <vector>

#include <caf/exit_reason.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

#include "error_categories.hpp"

namespace kintsugi {

namespace {

const char* kintsugi_code_name(uint8_t code) noexcept {
  return to_string(static_cast<errc>(code));
}

struct category_registry {
  std::mutex mtx;
  std::vector<error_category_names> entries{{error_category, "kintsugi::", kintsugi_code_name}};
};

// Function-local, so that other libraries' static initializers may register.
category_registry& registry() {
  static category_registry instance;
  return instance;
}

} // namespace

void add_error_category(caf::atom_value category, std::string prefix, code_names names) {
  auto& r = registry();
  std::lock_guard<std::mutex> guard{r.mtx};
  for (auto& entry : r.entries)
    if (entry.category == category) {
      entry = {category, std::move(prefix), names};
      return;
    }
  r.entries.push_back({category, std::move(prefix), names});
}

std::vector<error_category_names> error_categories() {
  auto& r = registry();
  std::lock_guard<std::mutex> guard{r.mtx};
  return r.entries;
}

const char* to_string(errc code) noexcept {
  switch (code) {
    case errc::invalid_spec:
      return "invalid_spec";
    case errc::already_present:
      return "already_present";
    case errc::already_started:
      return "already_started";
    case errc::not_found:
      return "not_found";
    case errc::running:
      return "running";
    case errc::restarting:
      return "restarting";
    case errc::start_failed:
      return "start_failed";
    case errc::reached_max_restart_intensity:
      return "reached_max_restart_intensity";
    case errc::shutdown:
      return "shutdown";
    case errc::supervisor_stopping:
      return "supervisor_stopping";
    case errc::not_supported:
      return "not_supported";
    case errc::timeout:
      return "timeout";
    case errc::already_registered:
      return "already_registered";
    case errc::max_children:
      return "max_children";
    case errc::process_crashed:
      return "process_crashed";
    case errc::process_exited:
      return "process_exited";
    case errc::process_unresponsive:
      return "process_unresponsive";
    case errc::process_launch_failed:
      return "process_launch_failed";
    case errc::node_down:
      return "node_down";
    case errc::node_refused:
      return "node_refused";
    case errc::node_unreachable:
      return "node_unreachable";
  }
  return "unknown";
}

caf::error make_error(errc code) {
  return {static_cast<uint8_t>(code), error_category};
}

caf::error make_error(errc code, caf::message context) {
  return {static_cast<uint8_t>(code), error_category, std::move(context)};
}

caf::error make_error(errc code, std::string what) {
  return make_error(code, caf::make_message(std::move(what)));
}

caf::error start_failed(const std::string& id, const caf::error& reason) {
  return make_error(errc::start_failed, caf::make_message(id, reason));
}

caf::error shutdown_reason(std::string what) {
  return make_error(errc::shutdown, std::move(what));
}

bool is_normal_exit(const caf::error& reason) noexcept {
  return !reason || reason == caf::exit_reason::user_shutdown || reason == errc::shutdown;
}

caf::error exception_reason(std::exception_ptr& ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const std::exception& e) {
    return caf::make_error(caf::sec::runtime_error, std::string{e.what()});
  } catch (...) {
    return caf::make_error(caf::sec::runtime_error, std::string{"unknown exception"});
  }
}

std::string render(const caf::error& err) {
  if (!err)
    return "normal";
  std::string result;
  {
    auto& r = registry();
    std::lock_guard<std::mutex> guard{r.mtx};
    for (auto& entry : r.entries)
      if (entry.category == err.category()) {
        auto name = entry.names(err.code());
        result = entry.prefix + (name != nullptr ? name : "unknown");
        break;
      }
  }
  if (result.empty())
    return caf::to_string(err);
  auto& ctx = err.context();
  if (ctx.empty())
    return result;
  result += ": ";
  if (ctx.match_elements<std::string>()) {
    result += ctx.get_as<std::string>(0);
  } else if (ctx.match_elements<std::string, caf::error>()) {
    result += "child \"" + ctx.get_as<std::string>(0) + "\": ";
    result += render(ctx.get_as<caf::error>(1));
  } else {
    result += caf::to_string(ctx);
  }
  return result;
}

} // namespace kintsugi
