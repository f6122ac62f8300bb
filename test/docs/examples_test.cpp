// Every code example in the README, in docs/ and in the public headers,
// compiled here, in a context that gives it the names it uses. Each sits
// between an `example:` marker naming the files that show it and an `end of
// example` marker, and the example_sync suite checks that the files show
// exactly these (the code as written there, apart from whitespace and
// #include lines, whose headers are included at the top). Examples that are
// whole test cases also run.

#include <iostream>
#include <memory>
#include <string>

#include "kintsugi/ets/durable.hpp"
#include "kintsugi/ets/ets.hpp"
#include "kintsugi/ets/state_vault.hpp"
#include "kintsugi/kintsugi.hpp"
#include "kintsugi/node.hpp"
#include "kintsugi/process.hpp"
#include "kintsugi/testing.hpp"
#include "kintsugi/web.hpp"
#include "kintsugi/web/json.hpp"
#include <caf/io/all.hpp>

using namespace std::chrono_literals;

namespace {

using guess_atom = caf::atom_constant<caf::atom("guess")>;
using score_atom = caf::atom_constant<caf::atom("score")>;

// The game most examples supervise: answers guesses and its score.
struct game_state {
  int hits = 0;
  bool guess(int row, int col) {
    bool hit = (row + col) % 2 == 0;
    hits += hit ? 1 : 0;
    return hit;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, game_state& x) {
  return f(x.hits);
}

game_state load_saved_state(const std::string&) {
  return {};
}

caf::behavior game_actor(caf::event_based_actor*) {
  return {
    [](guess_atom, int row, int col) { return (row + col) % 2 == 0; },
    [](score_atom) { return 0; },
  };
}

caf::behavior named_game_actor(caf::event_based_actor* self, std::string) {
  return game_actor(self);
}

} // namespace

BOOST_AUTO_TEST_SUITE(examples)

// clang-format off

namespace registry_example {
void example() {
// example: runtime/kintsugi/registry.hpp
auto names = std::make_shared<kintsugi::registry>();
auto spec = kintsugi::worker_spec("game", game_actor);
spec.name = kintsugi::registered_name{names, "Kusama"};
// ... start a supervisor with `spec` among its children
if (auto err = kintsugi::send_by_name(*names, "Kusama", guess_atom::value, 3, 4))
  std::cerr << kintsugi::render(err) << '\n'; // not_found: nobody holds the name now
auto hit = kintsugi::call_by_name<bool>(*names, "Kusama", 1s, guess_atom::value, 3, 4);
// end of example
}
} // namespace registry_example

namespace application_example {
kintsugi::supervisor_flags flags;
auto games_spec = kintsugi::worker_spec("games", game_actor);
// example: runtime/kintsugi/application.hpp
int main() {
  caf::actor_system_config cfg;
  kintsugi::configure(cfg);
  caf::actor_system sys{cfg};
  return kintsugi::run_application(sys, "islands", flags, {games_spec});
}
// end of example
} // namespace application_example

namespace testing_example {
// example: runtime/kintsugi/testing.hpp README.md
BOOST_FIXTURE_TEST_CASE(game_comes_back_after_a_crash, kintsugi::testing::fixture) {
  auto names = std::make_shared<kintsugi::registry>();
  auto spec = kintsugi::worker_spec("game", game_actor);
  spec.name = kintsugi::registered_name{names, "Kusama"};
  auto sup = spawn_sup(flags(), {spec});          // flags() captures reports
  auto first = *names->whereis("Kusama");
  crash(first);                                   // an exit signal, then run()
  auto second = await_name(*names, "Kusama", first);
  BOOST_TEST(*call<int>(second, score_atom::value) == 0);
  BOOST_TEST((first_report(kintsugi::report_kind::child_exited).child == first.address()));
  self->send_exit(sup, caf::exit_reason::user_shutdown);   // stop what you started
}
// end of example
} // namespace testing_example

namespace supervisor_example {
auto db_actor = game_actor;
int example(caf::actor_system& sys, kintsugi::supervisor_flags games_flags) {
// example: runtime/kintsugi/supervisor.hpp
kintsugi::supervisor_flags flags;
flags.strategy = kintsugi::one_for_all();
auto root = kintsugi::start_supervisor(sys, flags, {
  kintsugi::worker_spec("db", db_actor),
  kintsugi::supervisor_spec("games", games_flags, {}),
});
if (!root) { std::cerr << kintsugi::render(root.error()); return 1; }
// end of example
return 0;
}
} // namespace supervisor_example

namespace deferred_init_example {
// example: runtime/kintsugi/deferred_init.hpp
caf::behavior game(caf::stateful_actor<game_state>* self, std::string name) {
  return kintsugi::deferred_init(
    self, [=] { self->state = load_saved_state(name); },   // runs first
    caf::behavior{[=](guess_atom, int row, int col) { return self->state.guess(row, col); }});
}
// end of example
} // namespace deferred_init_example

namespace dynamic_supervisor_example {
void example(caf::actor_system& sys) {
// example: runtime/kintsugi/dynamic_supervisor.hpp
caf::behavior game(caf::event_based_actor* self, std::string player);
kintsugi::dynamic_supervisor_flags flags;
flags.child_template = kintsugi::worker_spec("game", game);  // `player` per start
flags.max_children = 10'000;
auto games = kintsugi::start_dynamic_supervisor(sys, flags);
auto kusama = kintsugi::start_child(*games, caf::make_message("Kusama"));
// end of example
}
caf::behavior game(caf::event_based_actor* self, std::string player) {
  return named_game_actor(self, std::move(player));
}
} // namespace dynamic_supervisor_example

namespace child_spec_example {
auto game_actor = named_game_actor;
void example() {
// example: runtime/kintsugi/child_spec.hpp
struct game { static kintsugi::child_spec child_spec(std::string name) {
  return kintsugi::worker_spec(name, game_actor, name); } };
auto spec = game::child_spec("Kusama");
spec.restart = kintsugi::restart_type::transient;
// end of example
}
} // namespace child_spec_example

namespace worker_spec_example {
struct settings {};
void example() {
// example: runtime/kintsugi/child_spec.hpp
caf::behavior game(caf::event_based_actor* self, settings s, std::string player);
auto tmpl = kintsugi::worker_spec("game", game, settings{});  // `player` per start
// end of example
}
caf::behavior game(caf::event_based_actor* self, settings, std::string player) {
  return named_game_actor(self, std::move(player));
}
} // namespace worker_spec_example

namespace restart_backoff_example {
auto feed_actor = game_actor;
void example() {
// example: runtime/kintsugi/restart_backoff.hpp
auto spec = kintsugi::worker_spec("feed", feed_actor);
spec.backoff = kintsugi::restart_backoff{std::chrono::milliseconds{100},
                                         std::chrono::seconds{10}};
// end of example
}
} // namespace restart_backoff_example

namespace process_example {
auto parser_actor = game_actor;
// example: runtime/kintsugi/process.hpp README.md
int main() {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.add_actor_type("parser", parser_actor);  // what a worker can run
  if (auto status = kintsugi::run_worker_if_asked(cfg))
    return *status;  // this process was a worker, and is done
  kintsugi::configure(cfg);
  caf::actor_system sys{cfg};
  auto spec = kintsugi::worker_spec("parser", parser_actor);
  spec.start = kintsugi::in_os_process({"parser"});
  auto sup = kintsugi::start_supervisor(sys, {}, {spec});
  if (!sup)
    return 1;
  // ... until the program is done:
  kintsugi::stop(*sup, caf::exit_reason::user_shutdown);
  return 0;
}
// end of example
} // namespace process_example

namespace node_example {
auto parser_actor = game_actor;
void example(caf::actor_system& sys, std::string secret) {
// example: runtime/kintsugi/node.hpp README.md
// On the node (its configuration registers the types it can run):
kintsugi::node_options node;
node.secret = secret;
node.port = 4001;
auto port = kintsugi::serve_node(sys, node);

// In the supervising program: on the first node that answers.
kintsugi::remote_options where;
where.actor_type = "parser";
where.secret = secret;
where.nodes = {{"127.0.0.1", 4001}, {"127.0.0.1", 4002}};
auto spec = kintsugi::worker_spec("parser", parser_actor);
spec.start = kintsugi::on_node(where);
// end of example
}

caf::error tls_example(caf::actor_system_config& cfg, kintsugi::node_options& node,
                       kintsugi::remote_options& where) {
// example: README.md
// Both sides, before the actor system is made: mutual TLS with your own authority.
kintsugi::tls_options tls;
tls.certificate = "node-7.pem";
tls.key = "node-7.key";
tls.authority = "our-nodes-ca.pem";
if (auto err = kintsugi::use_tls(cfg, tls))
  return err;  // invalid_spec, naming the file OpenSSL could not use
node.tls = true;   // a node accepts TLS connections only
where.tls = true;  // a child connects over TLS
// end of example
return {};
}
} // namespace node_example

namespace observer_example {
// example: runtime/kintsugi/observer.hpp
void print_tree(caf::actor_system& sys) {
  for (auto& sup : kintsugi::supervisors(sys)) {
    auto s = kintsugi::describe(sup);
    if (!s)
      continue;  // it ended meanwhile
    std::cout << s->name << " (" << s->strategy << "): " << s->child_count << " children, "
              << s->restarts_in_period << " of " << s->intensity << " restarts used\n";
  }
}
// end of example
} // namespace observer_example

namespace web_example {
void example(caf::actor_system& sys) {
// example: web/kintsugi/web.hpp
auto web = kintsugi::web::serve(sys);          // 127.0.0.1, a free port
if (web)
  std::cout << "observer: " << web->url() << '\n';  // the URL carries the token
// end of example
}

// example: web/kintsugi/web/json.hpp
void on_text(const kintsugi::web::peer& client, const std::string& text) {
  auto request = kintsugi::web::parse_json(text);  // bounded and strict
  auto row = request ? request->count_member("row") : std::nullopt;
  kintsugi::web::json_writer reply;
  if (row)
    reply.begin_object().key("row").value(*row).end_object();
  else
    reply.begin_object().key("error").value("a row, please").end_object();
  client.send(reply.str());
}
// end of example
} // namespace web_example

namespace readme_web_example {
// example: README.md
caf::expected<kintsugi::web::server> serve_observer(caf::actor_system& sys) {
  kintsugi::web::options opts;  // 127.0.0.1, a free port, a random token
  opts.port = 8080;
  auto web = kintsugi::web::serve(sys, opts);
  if (web)
    std::cout << "observer: " << web->url() << '\n';  // http://127.0.0.1:8080/?token=...
  return web;  // it serves until this is destroyed or stopped
}
// end of example
} // namespace readme_web_example

namespace call_example {
void example(const caf::actor& game, std::shared_ptr<kintsugi::registry> names) {
// example: runtime/kintsugi/call.hpp
auto score = kintsugi::call<int>(game, std::chrono::seconds{1}, score_atom::value);
auto same = kintsugi::call_by_name<int>(*names, "Kusama", std::chrono::seconds{1},
                                        score_atom::value);
// end of example
}
} // namespace call_example

namespace file_example {
using scores_table = kintsugi::ets::set<std::string, int>;
caf::error example(caf::event_based_actor* self) {
  auto scores = scores_table::create(self);
// example: ets/kintsugi/ets/file.hpp
if (auto err = kintsugi::ets::tab2file(*scores, "/var/lib/game/scores.tab"))
  return err;
auto back = kintsugi::ets::file2tab<scores_table>(self, "/var/lib/game/scores.tab");
// end of example
  return back ? caf::error{} : back.error();
}
} // namespace file_example

namespace state_vault_example {
// example: ets/kintsugi/ets/state_vault.hpp
using vault = kintsugi::ets::state_vault<game_state>;

caf::expected<vault> open_games(caf::actor_system& sys) {
  kintsugi::ets::vault_options opts;
  opts.durable_path = "/var/lib/islands/games";
  return vault::open(sys, opts);
}

caf::behavior game(caf::stateful_actor<kintsugi::ets::kept<game_state>>* self,
                   vault v, std::string name) {
  return kintsugi::ets::keep_state(self, v, name, caf::behavior{
    [=](guess_atom, int row, int col) {
      return self->state.update([&](game_state& g) { return g.guess(row, col); });
    },
  });
}
// end of example
} // namespace state_vault_example

namespace durable_example {
void example(game_state state) {
// example: ets/kintsugi/ets/durable.hpp
using games = kintsugi::ets::durable_set<std::string, game_state>;
auto db = games::open("/var/lib/islands/games.table");
db->insert("Kusama", state);            // on disk when it returns
auto back = db->lookup("Kusama");       // caf::expected<std::optional<game_state>>
// end of example
}
} // namespace durable_example

namespace table_example {
void example(caf::event_based_actor* self, caf::event_based_actor* other) {
// example: ets/kintsugi/ets/table.hpp
using scores = kintsugi::ets::set<std::string, int>;
kintsugi::ets::table_options opts;
opts.name = "scores";
auto t = scores::create(self, opts);                        // self owns it
t->insert("Kusama", 3);
auto n = t->update_counter("Kusama", 1, 0);                 // 4
// another actor:
auto r = scores::open_reader(other, "scores");              // reads only
auto hit = r->lookup("Kusama");                             // optional{4}
// end of example
}
} // namespace table_example

namespace table_info_example {
caf::behavior heir(caf::event_based_actor* self) {
  return {
// example: ets/kintsugi/ets/table_info.hpp
[=](kintsugi::ets::transfer& t) {
  auto scores = kintsugi::ets::set<std::string, int>::adopt(self, t);
}
// end of example
  };
}
} // namespace table_info_example

namespace restart_strategy_example {
void example(kintsugi::supervisor_flags& flags) {
// example: strategies/kintsugi/strategies/restart_strategy.hpp
// Restarts the failed child and every worker, never a child supervisor.
class workers_for_one : public kintsugi::restart_strategy {
public:
  std::string_view name() const noexcept override { return "workers_for_one"; }
  kintsugi::restart_plan plan(const kintsugi::child_list& children,
                              std::size_t failed) const override {
    kintsugi::restart_plan p;
    for (std::size_t i = 0; i < children.size(); ++i)
      if (i == failed || children[i].type == kintsugi::child_type::worker)
        p.restart.push_back(i);
    for (auto i = p.restart.rbegin(); i != p.restart.rend(); ++i)
      if (*i != failed) p.terminate.push_back(*i);
    return p;
  }
};
flags.strategy = std::make_shared<workers_for_one>();
// end of example
}
} // namespace restart_strategy_example

namespace readme_embedding_example {
// example: README.md
caf::behavior db(caf::event_based_actor* self);      // your actors
caf::behavior cache(caf::event_based_actor* self);

int main() {
  caf::actor_system_config cfg;
  kintsugi::configure(cfg);                 // recommended scheduler + error rendering
  caf::actor_system sys{cfg};

  kintsugi::supervisor_flags flags;         // one_for_one, intensity 3 per 5 s
  flags.strategy = kintsugi::rest_for_one();
  auto cache_spec = kintsugi::worker_spec("cache", cache);
  cache_spec.restart = kintsugi::restart_type::transient;

  auto root = kintsugi::start_supervisor(sys, flags, {
    kintsugi::worker_spec("db", db),
    cache_spec,
    kintsugi::supervisor_spec("sessions", kintsugi::supervisor_flags{}, {}),
  });
  if (!root) {
    std::cerr << kintsugi::render(root.error()) << '\n';   // e.g. start_failed: child "db": ...
    return 1;
  }
  // ... later: stop the whole tree in reverse start order
  kintsugi::stop(*root, caf::exit_reason::user_shutdown);
  return 0;
}
// end of example
caf::behavior db(caf::event_based_actor* self) {
  return game_actor(self);
}
caf::behavior cache(caf::event_based_actor* self) {
  return game_actor(self);
}
} // namespace readme_embedding_example

namespace readme_dynamic_example {
void example(const caf::actor& games_sup) {
// example: README.md
caf::behavior game(caf::event_based_actor* self, std::string player);

kintsugi::dynamic_supervisor_flags games;
games.child_template = kintsugi::worker_spec("game", game);   // `player` per start
games.max_children = 10'000;
// in the tree: kintsugi::dynamic_supervisor_spec("games", games)
auto kusama = kintsugi::start_child(games_sup, caf::make_message("Kusama"));
// end of example
}
caf::behavior game(caf::event_based_actor* self, std::string player) {
  return named_game_actor(self, std::move(player));
}
} // namespace readme_dynamic_example

namespace readme_child_spec_example {
auto game_actor = named_game_actor;
void example() {
// example: README.md
struct game {
  static kintsugi::child_spec child_spec(std::string name) {
    return kintsugi::worker_spec(name, game_actor, name);
  }
};
auto spec = game::child_spec("Kusama");
spec.shutdown = kintsugi::shutdown_policy::timeout(std::chrono::seconds{1});
// end of example
}
} // namespace readme_child_spec_example

namespace readme_ets_example {
void example(caf::event_based_actor* self, caf::event_based_actor* other, caf::actor keeper) {
// example: README.md
using scores = kintsugi::ets::set<std::string, int>;

kintsugi::ets::table_options opts;
opts.name = "scores";
opts.heir = keeper;                        // inherits the table if self crashes
auto t = scores::create(self, opts);       // self owns it
t->insert("Kusama", 3);
auto n = t->update_counter("Kusama", 1);   // 4, atomically
auto r = scores::open_reader(other, "scores");   // another actor: reads only
auto hit = r->lookup("Kusama");            // caf::expected<std::optional<int>>
// end of example
}
} // namespace readme_ets_example

namespace readme_strategy_example {
void example(kintsugi::supervisor_flags& flags) {
// example: README.md
class workers_for_one : public kintsugi::restart_strategy {   // restart every worker, no supervisor
public:
  std::string_view name() const noexcept override { return "workers_for_one"; }
  kintsugi::restart_plan plan(const kintsugi::child_list& children, std::size_t failed) const override {
    kintsugi::restart_plan p;
    for (std::size_t i = 0; i < children.size(); ++i)
      if (i == failed || children[i].type == kintsugi::child_type::worker) p.restart.push_back(i);
    for (auto i = p.restart.rbegin(); i != p.restart.rend(); ++i)
      if (*i != failed) p.terminate.push_back(*i);
    return p;
  }
};
flags.strategy = std::make_shared<workers_for_one>();
// end of example
}
} // namespace readme_strategy_example

// clang-format on

BOOST_AUTO_TEST_SUITE_END()
