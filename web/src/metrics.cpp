// `/metrics` in Prometheus's text format (version 0.0.4): the report totals,
// each supervisor's children and restarts in its period, each table's size
// and memory, and each durable table's size, file and syncs.

#include <map>
#include <string>
#include <tuple>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <fmt/core.h>

#include "kintsugi/ets/table_info.hpp"
#include "kintsugi/observer.hpp"

#include "gather.hpp"
#include "server_core.hpp"

namespace kintsugi::web::detail {

namespace {

std::string label(std::string_view x) {
  std::string result;
  for (char c : x) {
    if (c == '\\' || c == '"')
      result += '\\';
    if (c == '\n')
      result += "\\n";
    else
      result += c;
  }
  return result;
}

class exposition {
public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    name_ = name;
  }

  void sample(uint64_t value, std::string_view labels = {}) {
    if (labels.empty())
      out_ += fmt::format("{} {}\n", name_, value);
    else
      out_ += fmt::format("{}{{{}}} {}\n", name_, labels, value);
  }

  std::string take() {
    return std::move(out_);
  }

private:
  std::string out_;
  std::string_view name_;
};

std::string render(caf::actor_system& sys, const std::vector<described>& sups) {
  exposition m;
  auto t = totals(sys);
  m.family("kintsugi_child_starts_total", "counter",
           "Children started (restarts are counted apart).");
  m.sample(t.starts);
  m.family("kintsugi_child_restarts_total", "counter", "Children started again after they ended.");
  m.sample(t.restarts);
  m.family("kintsugi_child_start_failures_total", "counter", "Child starts that failed.");
  m.sample(t.start_failures);
  m.family("kintsugi_child_exits_total", "counter", "Child exits by the class of their reason.");
  m.sample(t.exits_normal, "class=\"normal\"");
  m.sample(t.exits_shutdown, "class=\"shutdown\"");
  m.sample(t.exits_killed, "class=\"killed\"");
  m.sample(t.exits_error, "class=\"error\"");
  m.family("kintsugi_supervisors_gave_up_total", "counter",
           "Supervisors that reached their restart intensity.");
  m.sample(t.gave_up);
  auto per_supervisor = [&](auto value) {
    for (auto& [sup, s] : sups)
      m.sample(value(s), fmt::format("supervisor=\"{}\",actor=\"{}\"", label(s.name), sup.id()));
  };
  m.family("kintsugi_supervisor_children", "gauge", "Children of a supervisor, running or not.");
  per_supervisor([](const supervisor_snapshot& s) { return uint64_t{s.child_count}; });
  m.family("kintsugi_supervisor_restarts_in_period", "gauge",
           "Restarts counted against the supervisor's intensity now.");
  per_supervisor([](const supervisor_snapshot& s) { return uint64_t{s.restarts_in_period}; });
  m.family("kintsugi_supervisor_max_restarts", "gauge", "The supervisor's restart intensity.");
  per_supervisor([](const supervisor_snapshot& s) { return static_cast<uint64_t>(s.intensity); });
  m.family("kintsugi_supervisor_mailbox", "gauge", "Messages waiting for the supervisor.");
  per_supervisor([](const supervisor_snapshot& s) { return uint64_t{s.mailbox}; });
  // Unnamed tables of one owner and kind are summed: each series needs
  // labels of its own.
  std::map<std::tuple<std::string, std::string, caf::actor_id>, std::pair<uint64_t, uint64_t>>
    tables;
  for (auto& x : ets::all_tables(sys)) {
    auto& sum = tables[{x.name, ets::to_string(x.kind), x.owner ? x.owner.id() : 0}];
    sum.first += x.size;
    sum.second += x.memory;
  }
  auto per_table = [&](bool memory) {
    for (auto& [key, sum] : tables)
      m.sample(memory ? sum.second : sum.first,
               fmt::format("table=\"{}\",kind=\"{}\",owner=\"{}\"", label(std::get<0>(key)),
                           std::get<1>(key), std::get<2>(key)));
  };
  m.family("kintsugi_table_objects", "gauge", "Objects in a term-store table.");
  per_table(false);
  m.family("kintsugi_table_memory_bytes", "gauge", "Bytes a term-store table holds, estimated.");
  per_table(true);
  auto durable = ets::all_durable_tables();
  auto per_file = [&](auto value) {
    for (auto& d : durable)
      m.sample(value(d),
               fmt::format("file=\"{}\",kind=\"{}\"", label(d.path), ets::to_string(d.kind)));
  };
  m.family("kintsugi_durable_objects", "gauge", "Objects in a durable table.");
  per_file([](const ets::durable_info& d) { return uint64_t{d.size}; });
  m.family("kintsugi_durable_file_bytes", "gauge", "Bytes of a durable table's file.");
  per_file([](const ets::durable_info& d) { return uint64_t{d.file_bytes}; });
  m.family("kintsugi_durable_commits_total", "counter",
           "Write transactions of a durable table since it was opened.");
  per_file([](const ets::durable_info& d) { return d.commits; });
  m.family("kintsugi_durable_syncs_total", "counter",
           "Times a durable table's writes were forced to disk since it was opened.");
  per_file([](const ets::durable_info& d) { return d.syncs; });
  return m.take();
}

} // namespace

void render_metrics(caf::actor_system& sys, std::function<void(std::string)> done) {
  sys.spawn([done = std::move(done)](caf::event_based_actor* self) {
    describe_all(
      self, [](const caf::actor&) { return std::size_t{0}; }, 0,
      [self, done](std::vector<described> sups) {
        done(render(self->system(), sups));
        self->quit();
      });
  });
}

} // namespace kintsugi::web::detail
