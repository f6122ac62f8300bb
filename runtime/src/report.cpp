#include "kintsugi/report.hpp"

#include <cstdio>

#include <fmt/core.h>

#include "kintsugi/error.hpp"

namespace kintsugi {

const char* to_string(report_kind x) noexcept {
  switch (x) {
    case report_kind::child_started:
      return "child_started";
    case report_kind::child_exited:
      return "child_exited";
    case report_kind::child_restarted:
      return "child_restarted";
    case report_kind::start_failed:
      return "start_failed";
    case report_kind::intensity_reached:
      return "intensity_reached";
    case report_kind::supervisor_stopping:
      return "supervisor_stopping";
  }
  return "unknown";
}

std::string to_string(const report& x) {
  auto actor = x.child ? fmt::format(" <{}>", x.child.id()) : std::string{};
  switch (x.kind) {
    case report_kind::child_started:
      return fmt::format("[kintsugi] {}: child \"{}\"{} started", x.supervisor, x.child_id, actor);
    case report_kind::child_exited:
      return fmt::format("[kintsugi] {}: child \"{}\"{} exited: {}", x.supervisor, x.child_id,
                         actor, render(x.reason));
    case report_kind::child_restarted:
      return fmt::format("[kintsugi] {}: child \"{}\" restarted as{}", x.supervisor, x.child_id,
                         actor);
    case report_kind::start_failed:
      return fmt::format("[kintsugi] {}: child \"{}\" failed to start: {}", x.supervisor,
                         x.child_id, render(x.reason));
    case report_kind::intensity_reached:
      return fmt::format("[kintsugi] {}: restart intensity reached, giving up", x.supervisor);
    case report_kind::supervisor_stopping:
      return fmt::format("[kintsugi] {}: shutting down: {}", x.supervisor, render(x.reason));
  }
  return "[kintsugi] unknown report";
}

report_sink stderr_report_sink() {
  return [](const report& x) {
    // One fputs per line: stdio locks the stream, so lines never interleave.
    auto line = to_string(x);
    line += '\n';
    std::fputs(line.c_str(), stderr);
  };
}

report_sink null_report_sink() {
  return [](const report&) {};
}

} // namespace kintsugi
