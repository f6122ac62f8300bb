// The actor behind one observer page: it pushes the supervision tree, the
// tables and the reports to the page, and carries out its kill requests.
//
// Sent to the page (JSON text frames):
//   {"type":"tree","supervisors":[{"actor","name","strategy","intensity",
//     "period_ms","restarts_in_period","mailbox","child_count","first",
//     "children":[{"id","actor","actor_type","state","type","restart","restarts",
//     "last_exit"}]}]}
//   {"type":"tables","tables":[{"name","kind","size","memory","owner","heir","access"}],
//    "durable":[{"path","kind","size","file_bytes","commits","syncs"}]}
//   {"type":"reports","reports":[{"kind","supervisor","child","actor","reason","text"}],
//    "dropped":N}
//   {"type":"error","message"}
// Received from it:
//   {"op":"page","supervisor":ACTOR_ID,"first":N}   children from N on
//   {"op":"kill","actor":ACTOR_ID,"reason":"kill"|"shutdown"|"error"}
//
// The tree goes out after a report (at most every debounce interval) and
// every refresh interval, so that mailbox sizes stay current.

#include <chrono>
#include <string>
#include <unordered_map>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/local_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "kintsugi/error.hpp"
#include "kintsugi/ets/table_info.hpp"
#include "kintsugi/observer.hpp"

#include "gather.hpp"
#include "kintsugi/web/json.hpp"
#include "server_core.hpp"

namespace kintsugi::web::detail {

namespace {

using report_atom = caf::atom_constant<caf::atom("k_wreport")>;
using flush_atom = caf::atom_constant<caf::atom("k_wflush")>;
using refresh_atom = caf::atom_constant<caf::atom("k_wrefresh")>;

constexpr auto debounce = std::chrono::milliseconds(100);
constexpr auto refresh_interval = std::chrono::seconds(1);
// Children per supervisor in one tree message: a supervisor with 100,000
// children is shown a page at a time.
constexpr std::size_t page_size = 50;
// Reports per batch; the rest are counted as dropped, and the page says so.
constexpr std::size_t max_reports_per_batch = 200;

void write_report(json_writer& w, const report& r) {
  w.begin_object();
  w.key("kind").value(to_string(r.kind));
  w.key("supervisor").value(r.supervisor);
  w.key("child").value(r.child_id);
  w.key("actor").value(uint64_t{r.child ? r.child.id() : 0});
  w.key("reason").value(r.reason ? render(r.reason) : std::string{});
  w.key("text").value(to_string(r));
  w.end_object();
}

const char* type_name_of(const caf::actor& x) {
  if (!x)
    return "";
  auto local = dynamic_cast<caf::local_actor*>(caf::actor_cast<caf::abstract_actor*>(x));
  return local ? local->name() : "remote";
}

void write_tree(json_writer& w, const std::vector<described>& xs) {
  w.begin_object().key("type").value("tree").key("supervisors").begin_array();
  for (auto& [sup, s] : xs) {
    w.begin_object();
    w.key("actor").value(uint64_t{sup.id()});
    w.key("name").value(s.name);
    w.key("strategy").value(s.strategy);
    w.key("intensity").value(s.intensity);
    w.key("period_ms").value(static_cast<int64_t>(s.period.count()));
    w.key("restarts_in_period").value(uint64_t{s.restarts_in_period});
    w.key("mailbox").value(uint64_t{s.mailbox});
    w.key("child_count").value(uint64_t{s.child_count});
    w.key("first").value(uint64_t{s.first});
    w.key("children").begin_array();
    for (auto& c : s.children) {
      w.begin_object();
      w.key("id").value(c.info.id);
      w.key("actor").value(uint64_t{c.info.actor ? c.info.actor.id() : 0});
      // What CAF can tell of an actor it did not make: its type's name (a
      // stateful actor's state name).
      w.key("actor_type").value(type_name_of(c.info.actor));
      w.key("state").value(to_string(c.info.status));
      w.key("type").value(to_string(c.info.type));
      w.key("restart").value(to_string(c.restart));
      w.key("restarts").value(c.restarts);
      w.key("last_exit").value(c.last_exit ? render(c.last_exit) : std::string{});
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
}

void write_tables(json_writer& w, const std::vector<ets::table_info>& xs) {
  w.begin_object().key("type").value("tables").key("tables").begin_array();
  for (auto& t : xs) {
    w.begin_object();
    w.key("name").value(t.name);
    w.key("kind").value(ets::to_string(t.kind));
    w.key("size").value(uint64_t{t.size});
    w.key("memory").value(uint64_t{t.memory});
    w.key("owner").value(uint64_t{t.owner ? t.owner.id() : 0});
    w.key("heir").value(uint64_t{t.heir ? t.heir.id() : 0});
    w.key("access").value(ets::to_string(t.access));
    w.end_object();
  }
  w.end_array().key("durable").begin_array();
  for (auto& d : ets::all_durable_tables()) {
    w.begin_object();
    w.key("path").value(d.path);
    w.key("kind").value(ets::to_string(d.kind));
    w.key("size").value(uint64_t{d.size});
    w.key("file_bytes").value(uint64_t{d.file_bytes});
    w.key("commits").value(d.commits);
    w.key("syncs").value(d.syncs);
    w.end_object();
  }
  w.end_array().end_object();
}

std::string error_message(std::string_view what) {
  json_writer w;
  w.begin_object().key("type").value("error").key("message").value(what).end_object();
  return w.str();
}

struct observer_state {
  static inline const char* name = "kintsugi.web.observer";

  peer client;
  report_subscription reports;
  std::vector<std::string> pending_reports;
  uint64_t dropped_reports = 0;
  bool flush_scheduled = false;
  bool describing = false;
  bool describe_again = false;
  // What the last tree showed, by actor id: what a kill may name.
  std::unordered_map<caf::actor_id, caf::actor> known;
  std::unordered_map<caf::actor_id, std::size_t> first_child;
};

using observer_actor = caf::stateful_actor<observer_state>;

void send_tree(observer_actor* self) {
  auto& st = self->state;
  if (st.describing) {
    st.describe_again = true;
    return;
  }
  st.describing = true;
  describe_all(
    self,
    [self](const caf::actor& sup) {
      auto i = self->state.first_child.find(sup.id());
      return i == self->state.first_child.end() ? std::size_t{0} : i->second;
    },
    page_size,
    [self](std::vector<described> xs) {
      auto& st = self->state;
      st.known.clear();
      for (auto& [sup, s] : xs) {
        st.known.emplace(sup.id(), sup);
        for (auto& c : s.children)
          if (c.info.actor)
            st.known.emplace(c.info.actor.id(), c.info.actor);
      }
      json_writer tree;
      write_tree(tree, xs);
      st.client.send(tree.str());
      json_writer tables;
      write_tables(tables, ets::all_tables(self->system()));
      st.client.send(tables.str());
      st.describing = false;
      if (st.describe_again) {
        st.describe_again = false;
        send_tree(self);
      }
    });
}

void flush_reports(observer_actor* self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  json_writer w;
  w.begin_object().key("type").value("reports").key("reports").begin_array();
  for (auto& r : st.pending_reports)
    w.raw(r);
  w.end_array().key("dropped").value(st.dropped_reports).end_object();
  st.pending_reports.clear();
  st.dropped_reports = 0;
  st.client.send(w.str());
  send_tree(self);
}

caf::error exit_reason_named(const std::string& name) {
  if (name == "kill")
    return caf::exit_reason::kill;
  if (name == "shutdown")
    return make_error(errc::shutdown, "from the observer");
  if (name == "error")
    return caf::make_error(caf::sec::runtime_error, "killed from the observer");
  return {};
}

void on_request(observer_actor* self, const std::string& text) {
  auto& st = self->state;
  auto request = parse_json(text);
  if (!request)
    return st.client.send(error_message(render(request.error())));
  auto op = request->string_member("op");
  if (!op)
    return st.client.send(error_message("a request names its \"op\""));
  if (*op == "page") {
    auto sup = request->count_member("supervisor");
    auto first = request->count_member("first");
    if (!sup || !first)
      return st.client.send(error_message("page: \"supervisor\" and \"first\" are counts"));
    st.first_child[static_cast<caf::actor_id>(*sup)] = static_cast<std::size_t>(*first);
    return send_tree(self);
  }
  if (*op == "kill") {
    auto id = request->count_member("actor");
    auto reason_name = request->string_member("reason");
    if (!id)
      return st.client.send(error_message("kill: \"actor\" is an actor id"));
    auto reason = exit_reason_named(reason_name ? *reason_name : "kill");
    if (!reason)
      return st.client.send(error_message("kill: the reason is kill, shutdown or error"));
    auto i = st.known.find(static_cast<caf::actor_id>(*id));
    if (i == st.known.end())
      return st.client.send(
        error_message("kill: no actor " + std::to_string(*id) + " in the tree shown"));
    self->send_exit(i->second, std::move(reason));
    return;
  }
  st.client.send(error_message("unknown op \"" + *op + "\""));
}

caf::behavior observer_socket(observer_actor* self, peer client) {
  self->state.client = std::move(client);
  auto me = caf::actor_cast<caf::weak_actor_ptr>(self);
  self->state.reports = subscribe_reports(self->system(), [me](const report& r) {
    json_writer w;
    write_report(w, r);
    if (auto strong = me.lock())
      caf::anon_send(caf::actor_cast<caf::actor>(strong), report_atom::value, w.str());
  });
  send_tree(self);
  self->delayed_send(self, refresh_interval, refresh_atom::value);
  return {
    [self](text_atom, const std::string& text) { on_request(self, text); },
    [self](report_atom, std::string& json) {
      auto& st = self->state;
      if (st.pending_reports.size() < max_reports_per_batch)
        st.pending_reports.push_back(std::move(json));
      else
        ++st.dropped_reports;
      if (!st.flush_scheduled) {
        st.flush_scheduled = true;
        self->delayed_send(self, debounce, flush_atom::value);
      }
    },
    [self](flush_atom) { flush_reports(self); },
    [self](refresh_atom) {
      send_tree(self);
      self->delayed_send(self, refresh_interval, refresh_atom::value);
    },
  };
}

} // namespace

caf::actor connect_observer(caf::actor_system& sys, peer client) {
  return sys.spawn(observer_socket, std::move(client));
}

} // namespace kintsugi::web::detail
